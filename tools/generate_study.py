#!/usr/bin/python3
"""Generate the synthetic Jiayuguan study area (data/jiayuguan/).

Deterministic: the same seed, size and cell size give byte-identical files (numpy PCG64 streams
derived from the seed and a purpose name, sorted outputs, fixed GeoPackage timestamps, GeoTIFFs
without date tags). Real inputs: the municipal boundary (data/jiayuguan/source/, Apache ECharts
map data, Apache-2.0) and the points of DOMAIN.md section 1; everything else is synthetic and
documented in docs/DATA.md and data/jiayuguan/README.md.

Usage (always the system python, which has GDAL):
    /usr/bin/python3 tools/generate_study.py                       # default -> data/jiayuguan
    /usr/bin/python3 tools/generate_study.py --out DIR             # same files elsewhere
    /usr/bin/python3 tools/generate_study.py --size large --out data/generated/jiayuguan_large

The large size adds >=100,000 land-supply parcels and >=500 red-line polygons with holes and
thousands of vertices (for benchmarks); --cell-size 5 makes a finer grid. Those are never
committed: the large size refuses to write into data/jiayuguan.
"""

import argparse
import datetime as dt
import json
import math
import os
import sys
import zlib

import numpy as np
from scipy import ndimage
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "data", "jiayuguan")
SOURCE_BOUNDARY = os.path.join(REPO, "data", "jiayuguan", "source", "jiayuguan_boundary.geojson")
BOUNDARY_ATTRIBUTION = (
    "Municipal boundary of Jiayuguan (adcode 620200) decoded from the map data of Apache ECharts "
    "4.9.0 (map/json/province/gansu.json), Apache-2.0; indicative, not an official boundary "
    "(GCJ-02 lineage, ~100 m quantisation, ~50-90 m offset); reprojected to EPSG:4542")

EPSG = 4542
ORIGIN_X, ORIGIN_Y = 401200.0, 4430000.0
EXTENT_W, EXTENT_H = 57900.0, 38700.0
DESIGN_CELL = 20.0          # natural background and oases are designed on a 20 m grid
REF_DATE = dt.date(2021, 12, 31)

# Real points (DOMAIN.md section 1), lon/lat.
PT_PASS = (98.2148, 39.8011)
PT_GOV = (98.2882, 39.7732)
PT_AIRPORT = (98.34, 39.86)
PT_CAOHU = (98.45, 39.95)
PT_TOMBS = (98.42, 39.92)
PT_ROCKART = (98.10, 39.85)

# Local design frame: km east/north of the government point snapped to 10 m.
GX, GY = 439020.0, 4404590.0

POPULATION_TOTAL = 312663
URBAN_SHARE = 0.944
TARGETS = {"green_space_rate_pct": 39.5, "green_cover_rate_pct": 40.7, "park_green_m2_per_person": 29.2}

# ----------------------------------------------------------------------------------------------
# Class table (2023 land and sea classification). canopy / attached_green are [E] estimates; the
# two residential (0701) values are solved by the calibration and replaced below.
# code, name, colour, group, urban_construction, residential, canopy, attached_green, water_use
CLASSES = [
    ("0102", "Irrigated cropland (水浇地)", "#e8d36c", "farmland", False, False, 0.0, 0.0, "farm"),
    ("0103", "Dry cropland (旱地)", "#f2e4a2", "farmland", False, False, 0.0, 0.0, "farm"),
    ("0201", "Orchard (果园)", "#c9a13f", "orchard", False, False, 0.45, 0.0, "orchard"),
    ("0301", "Arbour forest (乔木林地)", "#2f7d32", "forest", False, False, 0.75, 0.0, "forest"),
    ("0303", "Shrubland (灌木林地)", "#73a640", "forest", False, False, 0.40, 0.0, "forest"),
    ("0403", "Other grassland (其他草地)", "#bccb8c", "grassland", False, False, 0.15, 0.0, "none"),
    ("0503", "Marsh grassland (沼泽草地)", "#5fbfae", "wetland", False, False, 0.60, 0.0, "wetland"),
    ("0504", "Other marsh (其他沼泽地)", "#3e9f97", "wetland", False, False, 0.40, 0.0, "wetland"),
    ("0506", "Inland flats (内陆滩涂)", "#d4e6df", "wetland", False, False, 0.05, 0.0, "none"),
    ("0602", "Planting facilities, greenhouses (种植设施建设用地)", "#e5c3dc", "agri_facility", False, False, 0.0, 0.0, "farm"),
    ("0603", "Livestock facilities (畜禽养殖设施建设用地)", "#c79fc6", "agri_facility", False, False, 0.0, 0.0, "farm"),
    ("0701", "Urban residential (城镇住宅用地)", "#f4a460", "built", True, True, 0.36, 0.34, "residential"),
    ("0703", "Rural homestead (农村宅基地)", "#e0b48e", "built", False, True, 0.20, 0.10, "residential"),
    ("0801", "Administration (机关团体用地)", "#e0505f", "built", True, False, 0.38, 0.35, "public"),
    ("0803", "Culture (文化用地)", "#e9798b", "built", True, False, 0.38, 0.35, "public"),
    ("0804", "Education (教育用地)", "#d6476f", "built", True, False, 0.38, 0.35, "public"),
    ("0806", "Medical and health (医疗卫生用地)", "#c9356a", "built", True, False, 0.38, 0.35, "public"),
    ("0901", "Commercial (商业用地)", "#e8423b", "built", True, False, 0.22, 0.20, "commercial"),
    ("1001", "Industrial (工业用地)", "#9b6fae", "built", True, False, 0.24, 0.20, "industry"),
    ("1101", "Logistics and storage (物流仓储用地)", "#b8a2d3", "built", True, False, 0.15, 0.12, "industry"),
    ("1201", "Railway (铁路用地)", "#6e6e6e", "transport", False, False, 0.05, 0.0, "none"),
    ("1202", "Highway (公路用地)", "#a3a3a3", "transport", False, False, 0.05, 0.0, "none"),
    ("1203", "Airport (机场用地)", "#8b8bab", "transport", False, False, 0.02, 0.0, "none"),
    ("1207", "Urban road (城镇道路用地)", "#cfcfcf", "transport", False, False, 0.22, 0.08, "none"),
    ("1208", "Transport station (交通场站用地)", "#9d9db0", "transport", False, False, 0.10, 0.05, "none"),
    ("1301", "Water supply facility (供水用地)", "#5c8fd6", "built", True, False, 0.30, 0.30, "public"),
    ("1302", "Sewage and reclaimed water facility (排水用地)", "#4a78b5", "built", True, False, 0.30, 0.30, "public"),
    ("1303", "Power supply facility (供电用地)", "#6a6ad4", "built", True, False, 0.10, 0.10, "industry"),
    ("1401", "Park (公园绿地)", "#36b04a", "green", True, False, 0.90, 1.0, "park"),
    ("1402", "Protective green (防护绿地)", "#80c77e", "green", True, False, 0.95, 1.0, "protective_green"),
    ("1403", "Square (广场用地)", "#cde6a1", "green", True, False, 0.30, 0.35, "square"),
    ("1504", "Heritage site (文物古迹用地)", "#b8860b", "special", False, False, 0.05, 0.0, "none"),
    ("1701", "River water (河流水面)", "#4aa3df", "water", False, False, 0.0, 0.0, "none"),
    ("1702", "Lake water (湖泊水面)", "#2d7fc7", "water", False, False, 0.0, 0.0, "wetland"),
    ("1703", "Reservoir water (水库水面)", "#3b6db5", "water", False, False, 0.0, 0.0, "none"),
    ("2301", "Idle land (空闲地)", "#d9cbb5", "bare", False, False, 0.0, 0.0, "none"),
    ("2305", "Sand (沙地)", "#f3e7c4", "bare", False, False, 0.0, 0.0, "none"),
    ("2306", "Bare soil (裸土地)", "#d6c3a0", "bare", False, False, 0.0, 0.0, "none"),
    ("2307", "Bare rock and gravel, Gobi (裸岩石砾地)", "#bdb3a1", "bare", False, False, 0.0, 0.0, "none"),
]
CODES = [c[0] for c in CLASSES]
BARE_CODES = ("2301", "2306", "2307")


def cv(code):
    """Raster value of a class code ("0101" -> 101)."""
    return int(code)


# ----------------------------------------------------------------------------------------------
# Small utilities


def sub_rng(seed, name):
    """An independent, order-free random stream per purpose."""
    return np.random.Generator(np.random.PCG64([seed, zlib.crc32(name.encode("utf-8"))]))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def srs4542():
    s = osr.SpatialReference()
    s.ImportFromEPSG(EPSG)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def lonlat_to_xy(pts):
    s = osr.SpatialReference()
    s.ImportFromEPSG(4326)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(s, srs4542())
    return [ct.TransformPoint(lo, la)[:2] for lo, la in pts]


def W(u, v):
    """Local km -> EPSG:4542 metres."""
    return (GX + 1000.0 * u, GY + 1000.0 * v)


def ring_geom(coords):
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in coords:
        ring.AddPoint_2D(float(x), float(y))
    if coords[0] != coords[-1]:
        ring.AddPoint_2D(float(coords[0][0]), float(coords[0][1]))
    return ring


def poly_geom(outer, holes=()):
    p = ogr.Geometry(ogr.wkbPolygon)
    p.AddGeometry(ring_geom(outer))
    for h in holes:
        p.AddGeometry(ring_geom(h))
    return p


def rect_local(u0, v0, u1, v1):
    x0, y0 = W(u0, v0)
    x1, y1 = W(u1, v1)
    return poly_geom([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])


def line_geom(coords):
    g = ogr.Geometry(ogr.wkbLineString)
    for x, y in coords:
        g.AddPoint_2D(float(x), float(y))
    return g


def line_local(pts):
    return line_geom([W(u, v) for u, v in pts])


def point_geom(x, y):
    g = ogr.Geometry(ogr.wkbPoint)
    g.AddPoint_2D(float(x), float(y))
    return g


def rot_rect_local(cu, cv_, length_km, width_km, angle_deg):
    """Rectangle centred at (cu, cv_) with its long axis at angle_deg clockwise from north."""
    a = math.radians(angle_deg)
    du, dv = math.sin(a), math.cos(a)
    pu, pv = dv, -du
    hl, hw = length_km / 2, width_km / 2
    pts = []
    for sl, sw in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        pts.append(W(cu + sl * hl * du + sw * hw * pu, cv_ + sl * hl * dv + sw * hw * pv))
    return poly_geom(pts)


def blob_local(cu, cv_, ru, rv, rng, n=180, amp=0.18, harmonics=6, rot_deg=0.0, rmin=0.45, rmax=1.6):
    """Smooth irregular closed ring around (cu, cv_) (local km), returned in metres. Star-shaped
    around its centre, hence always simple."""
    th = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 2 + harmonics):
        r += amp / k ** 0.8 * rng.standard_normal() * np.cos(k * th + rng.uniform(0, 2 * np.pi))
    r = np.clip(r, rmin, rmax)
    a = math.radians(rot_deg)
    ex, ey = ru * r * np.cos(th), rv * r * np.sin(th)
    u = cu + ex * math.cos(a) - ey * math.sin(a)
    v = cv_ + ex * math.sin(a) + ey * math.cos(a)
    return [W(uu, vv) for uu, vv in zip(u, v)]


class Grid:
    def __init__(self, cell):
        self.cs = float(cell)
        self.cols = int(round(EXTENT_W / cell))
        self.rows = int(round(EXTENT_H / cell))
        self.gt = (ORIGIN_X, self.cs, 0.0, ORIGIN_Y, 0.0, -self.cs)

    def window(self, x0, y0, x1, y1, pad=0):
        """Row/col slices of the cells whose centres may lie in [x0,x1]x[y0,y1]."""
        cs = self.cs
        c0 = max(0, int(math.floor((x0 - ORIGIN_X) / cs - 0.5)) + 1 - pad)
        c1 = min(self.cols, int(math.floor((x1 - ORIGIN_X) / cs - 0.5)) + 1 + pad)
        r0 = max(0, int(math.floor((ORIGIN_Y - y1) / cs - 0.5)) + 1 - pad)
        r1 = min(self.rows, int(math.floor((ORIGIN_Y - y0) / cs - 0.5)) + 1 + pad)
        return slice(r0, max(r0, r1)), slice(c0, max(c0, c1))

    def xc(self):
        return ORIGIN_X + (np.arange(self.cols) + 0.5) * self.cs

    def yc(self):
        return ORIGIN_Y - (np.arange(self.rows) + 0.5) * self.cs


def mem_layer(geoms, values=None, geom_type=ogr.wkbUnknown):
    ds = ogr.GetDriverByName("Memory").CreateDataSource("")
    lyr = ds.CreateLayer("l", srs=srs4542(), geom_type=geom_type)
    lyr.CreateField(ogr.FieldDefn("v", ogr.OFTReal))
    for i, g in enumerate(geoms):
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetGeometry(g)
        f.SetField("v", float(values[i]) if values is not None else 1.0)
        lyr.CreateFeature(f)
    return ds, lyr


def rasterize(grid, geoms, values=None, dtype=np.uint8, window=None, all_touched=False):
    """Rasterize geometries (cell-centre rule) into a window of the grid; returns (rs, cs, array)."""
    if window is None:
        env = None
        for g in geoms:
            e = g.GetEnvelope()
            env = e if env is None else (min(env[0], e[0]), max(env[1], e[1]), min(env[2], e[2]), max(env[3], e[3]))
        rs, cs_ = grid.window(env[0], env[2], env[1], env[3], pad=1)
    else:
        rs, cs_ = window
    h, w = rs.stop - rs.start, cs_.stop - cs_.start
    if h <= 0 or w <= 0:
        return rs, cs_, np.zeros((max(h, 0), max(w, 0)), dtype)
    gdt = {np.uint8: gdal.GDT_Byte, np.uint16: gdal.GDT_UInt16, np.int32: gdal.GDT_Int32,
           np.float32: gdal.GDT_Float32}[dtype]
    ds = gdal.GetDriverByName("MEM").Create("", w, h, 1, gdt)
    ds.SetGeoTransform((ORIGIN_X + cs_.start * grid.cs, grid.cs, 0, ORIGIN_Y - rs.start * grid.cs, 0, -grid.cs))
    ds.SetProjection(srs4542().ExportToWkt())
    vds, lyr = mem_layer(geoms, values)
    opts = ["ALL_TOUCHED=TRUE"] if all_touched else []
    if values is None:
        gdal.RasterizeLayer(ds, [1], lyr, burn_values=[1], options=opts)
    else:
        gdal.RasterizeLayer(ds, [1], lyr, options=opts + ["ATTRIBUTE=v"])
    arr = ds.GetRasterBand(1).ReadAsArray().astype(dtype)
    return rs, cs_, arr


def union_geoms(geoms):
    u = None
    for g in geoms:
        u = g.Clone() if u is None else u.Union(g)
    return u


def polygons_of(g):
    """List of Polygon parts of a geometry (drops lines/points)."""
    out = []
    if g is None or g.IsEmpty():
        return out
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        out.append(g.Clone())
    elif t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        for i in range(g.GetGeometryCount()):
            out.extend(polygons_of(g.GetGeometryRef(i)))
    return out


def mask_to_polygons(grid, mask, window=None):
    """Polygonize a boolean mask (full grid or a window) into a list of polygons (4-connected)."""
    if window is None:
        rs, cs_ = slice(0, mask.shape[0]), slice(0, mask.shape[1])
    else:
        rs, cs_ = window
    h, w = mask.shape
    ds = gdal.GetDriverByName("MEM").Create("", w, h, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((ORIGIN_X + cs_.start * grid.cs, grid.cs, 0, ORIGIN_Y - rs.start * grid.cs, 0, -grid.cs))
    b = ds.GetRasterBand(1)
    b.WriteArray(mask.astype(np.uint8))
    vds = ogr.GetDriverByName("Memory").CreateDataSource("")
    lyr = vds.CreateLayer("p", srs=srs4542(), geom_type=ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(b, b, lyr, 0)
    out = []
    lyr.ResetReading()
    for f in lyr:
        out.append(f.GetGeometryRef().Clone())
    return out


# ----------------------------------------------------------------------------------------------
# Output writers


def gtiff_opts():
    return ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE"]


def write_class_raster(path, grid, arr):
    ds = gdal.GetDriverByName("GTiff").Create(path, grid.cols, grid.rows, 1, gdal.GDT_UInt16, gtiff_opts())
    ds.SetGeoTransform(grid.gt)
    ds.SetProjection(srs4542().ExportToWkt())
    b = ds.GetRasterBand(1)
    b.SetNoDataValue(0)
    ct = gdal.ColorTable()
    ct.SetColorEntry(0, (0, 0, 0, 0))
    for c in CLASSES:
        h = c[2]
        ct.SetColorEntry(cv(c[0]), (int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16), 255))
    b.SetRasterColorTable(ct)
    b.SetRasterColorInterpretation(gdal.GCI_PaletteIndex)
    b.WriteArray(arr)
    ds.FlushCache()
    ds = None


def write_float_raster(path, grid, arr, nodata=None, predictor=None):
    opts = gtiff_opts()
    if predictor:
        opts.append("PREDICTOR=%d" % predictor)
    ds = gdal.GetDriverByName("GTiff").Create(path, grid.cols, grid.rows, 1, gdal.GDT_Float32, opts)
    ds.SetGeoTransform(grid.gt)
    ds.SetProjection(srs4542().ExportToWkt())
    b = ds.GetRasterBand(1)
    if nodata is not None:
        b.SetNoDataValue(nodata)
    b.WriteArray(arr.astype(np.float32))
    ds.FlushCache()
    ds = None


FIELD_TYPES = {int: ogr.OFTInteger, float: ogr.OFTReal, str: ogr.OFTString}


def write_gpkg(path, layers):
    """layers: list of (name, geom_type, [(field, type)], [(geom, {field: value})], description)."""
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    for name, gtype, fields, feats, desc in layers:
        lyr = ds.CreateLayer(name, srs=srs4542(), geom_type=gtype,
                             options=["SPATIAL_INDEX=YES", "DESCRIPTION=" + desc, "FID=fid"])
        for fname, ftype in fields:
            fd = ogr.FieldDefn(fname, FIELD_TYPES[ftype])
            lyr.CreateField(fd)
        ds.StartTransaction()
        defn = lyr.GetLayerDefn()
        for i, (g, attrs) in enumerate(feats):
            f = ogr.Feature(defn)
            f.SetFID(i + 1)
            for fname, ftype in fields:
                val = attrs.get(fname)
                if val is None:
                    continue
                f.SetField(fname, ftype(val))
            f.SetGeometry(g)
            lyr.CreateFeature(f)
        ds.CommitTransaction()
    ds = None


# ----------------------------------------------------------------------------------------------
# Geography (local km). All rectangle edges are multiples of 10 m, hence cell edges.

# Taolai River centreline: enters from the south-west, canyon south of the pass, leaves east.
RIVER = [(-22.9, -9.3), (-21.5, -7.55), (-18.0, -6.95), (-14.0, -6.5), (-11.5, -5.9), (-9.5, -4.75),
         (-7.5, -4.35), (-5.5, -4.15), (-3.95, -3.98), (-2.5, -3.55), (-1.0, -3.2), (1.0, -2.95),
         (3.0, -2.75), (5.0, -2.7), (7.6, -2.95), (9.0, -3.3)]
CANYON_U = (-8.3, -2.3)

# Heishan ridge crest (NW), ending in the spur climbed by the Overhanging Wall.
HEISHAN_RIDGE = [(-21.0, 21.5), (-18.5, 18.5), (-15.0, 15.8), (-11.0, 13.2), (-8.0, 11.6), (-6.4, 10.9)]

# Great Wall (Ming). South section: First Beacon Tower on the canyon cliff -> the fort.
FIRST_BEACON = (-3.93, -3.86)
WALL_SOUTH = [(-3.93, -3.86), (-4.35, -3.00), (-4.95, -1.90), (-5.40, -0.60), (-5.75, 0.90),
              (-6.05, 2.20), (-6.24, 3.04)]
WALL_NORTH = [(-6.27, 3.25), (-6.15, 4.60), (-6.00, 6.00), (-5.80, 7.60), (-5.55, 9.10), (-5.48, 9.75)]
OVERHANGING_WALL = [(-5.48, 9.75), (-5.62, 10.05), (-5.80, 10.32), (-6.00, 10.58), (-6.22, 10.80)]
HEISHAN_WALL = [(-6.22, 10.80), (-6.70, 11.10), (-7.40, 11.45), (-8.10, 11.75)]

CITY = (-4.5, -1.5, 3.5, 2.5)           # superblock city (u0, v0, u1, v1); riverside strip below
RIVERSIDE = (-3.5, -2.2, 3.5, -1.5)
BELT = (-3.5, 2.5, 5.5, 3.0)
JISCO = (0.5, 3.0, 5.5, 5.8)
JIADONG = (3.5, -1.5, 5.3, 2.5)
JIABEI = (5.5, 3.0, 7.5, 6.3)
TOWNS = {
    "Xincheng": dict(rect=(9.1, 18.5, 10.4, 19.5), centre=(9.75, 19.0), oasis=(8.6, 18.0, 2.9, 1.6)),
    "Wenshu": dict(rect=(5.5, -6.8, 6.7, -5.8), centre=(6.1, -6.3), oasis=(6.3, -6.9, 2.7, 1.7)),
    "Yuquan": dict(rect=(-3.8, 5.9, -2.7, 6.8), centre=(-3.25, 6.35), oasis=(-2.7, 6.7, 1.9, 1.25)),
}
CAOHU_C = (13.7, 18.55)
TOMB_SITE = (11.25, 16.05, 11.65, 16.45)
FORT_PRECINCT = (-6.62, 2.86, -5.98, 3.46)

# City zoning, rows from north (v 2.0-2.5) to south (v -1.5 - -1.0), 16 columns of 500 m from
# u = -4.5. N new west district (parcels), R residential, C commercial, K civic centre, S school,
# H hospital, M museum, P park, G protective green, I industry, W storage, U utilities, D Donghu.
ZONING = [
    "NNGGGGRRWWRRIIWU",
    "NNRRSRRPPRRRIIWW",
    "NNRRPPCCRRSRRRII",
    "NNRSRRCCCRRRHRRI",
    "NNPPRRCCKKCRRRGU",
    "NNRRHRCCKKCMRDDD",
    "NNRRRSPPRRSRRDDD",
    "NNRRRRPPRRRRRDDD",
]


def build_geography():
    """The real points, projected."""
    geo = {}
    geo["pass_xy"], geo["gov_xy"], geo["airport_xy"], geo["caohu_xy"], geo["tombs_xy"], geo["rockart_xy"] = \
        lonlat_to_xy([PT_PASS, PT_GOV, PT_AIRPORT, PT_CAOHU, PT_TOMBS, PT_ROCKART])
    return geo


# ----------------------------------------------------------------------------------------------
# Natural background on the 20 m design grid


class Design:
    def __init__(self, seed):
        self.seed = seed
        self.cs = DESIGN_CELL
        self.cols = int(EXTENT_W / self.cs)
        self.rows = int(EXTENT_H / self.cs)
        x = ORIGIN_X + (np.arange(self.cols) + 0.5) * self.cs
        y = ORIGIN_Y - (np.arange(self.rows) + 0.5) * self.cs
        self.u = ((x - GX) / 1000.0).astype(np.float32)[None, :]
        self.v = ((y - GY) / 1000.0).astype(np.float32)[:, None]

    def noise(self, name, scale_km):
        rng = sub_rng(self.seed, "noise:" + name)
        f = scale_km * 1000.0 / self.cs
        n = int(self.cols / f) + 4
        m = int(self.rows / f) + 4
        a = rng.standard_normal((m, n)).astype(np.float32)
        z = ndimage.zoom(a, f, order=3)[: self.rows, : self.cols]
        z -= z.mean()
        z /= z.std() + 1e-9
        return z

    def burn_lines(self, lines_local, all_touched=True):
        ds = gdal.GetDriverByName("MEM").Create("", self.cols, self.rows, 1, gdal.GDT_Byte)
        ds.SetGeoTransform((ORIGIN_X, self.cs, 0, ORIGIN_Y, 0, -self.cs))
        vds, lyr = mem_layer([line_local(l) for l in lines_local])
        gdal.RasterizeLayer(ds, [1], lyr, burn_values=[1], options=["ALL_TOUCHED=TRUE"] if all_touched else [])
        return ds.GetRasterBand(1).ReadAsArray().astype(bool)

    def dist_km(self, lines_local, return_u=False):
        m = self.burn_lines(lines_local)
        if return_u:
            d, ind = ndimage.distance_transform_edt(~m, return_indices=True)
            nu = self.u[0, ind[1]]
            return (d * self.cs / 1000.0).astype(np.float32), nu
        d = ndimage.distance_transform_edt(~m)
        return (d * self.cs / 1000.0).astype(np.float32)


def quantile_select(field, region, n_cells):
    """Boolean mask of the n_cells cells of region with the lowest field values (ties by index)."""
    idx = np.flatnonzero(region.ravel())
    vals = field.ravel()[idx]
    order = np.argsort(vals, kind="stable")[:n_cells]
    out = np.zeros(field.size, bool)
    out[idx[order]] = True
    return out.reshape(field.shape)


def paint_natural(D, bmaskD):
    """Natural land cover for 2016 and 2021 on the design grid, plus the DEM ingredients."""
    u, v = D.u, D.v
    base = np.full((D.rows, D.cols), cv("2307"), np.uint16)
    n_grass = D.noise("grass", 1.2)
    n_sand = D.noise("sand", 0.9)
    n_fine = D.noise("fine", 0.35)
    n_soil = D.noise("soil", 0.7)

    # Taolai river and its corridor.
    d_river, nu = D.dist_km([RIVER], return_u=True)
    canyon = (nu >= CANYON_U[0]) & (nu <= CANYON_U[1])
    half_w = np.where(canyon, 0.022, 0.045 + 0.02 * (nu > 0))
    chan = d_river < half_w * (1.0 + 0.35 * np.clip(n_fine, -1.5, 1.5))
    flats = (d_river < np.where(canyon, 0.05, 0.26 + 0.05 * n_grass)) & (n_fine > -0.6)
    shrub16 = (d_river < 0.45) & ~canyon & (n_grass > 0.55)
    shrub21 = (d_river < 0.45) & ~canyon & (n_grass > (0.55 - 0.75 * ((nu > -3.0) & (nu < 7.0))))
    forest = (d_river < 0.5) & ~canyon & (n_sand > 1.1) & (nu > -12)

    # Foothill grass and shrubs (south-west tail) and scattered desert grass.
    sw = (u < -19.0) & (v < 2.0)
    grass = (sw & (n_grass > -0.2)) | ((n_grass > 1.7) & (n_soil > 0.3)) | \
            ((d_river < 1.2) & (n_grass > 0.7))
    gully_shrub = sw & (n_fine > 1.3) & (n_grass > -0.4)
    sand = (n_sand > 1.5) & (u > 4.0) & (v > 9.0) & (n_soil < 0.6)
    soil = (n_soil > 2.1) & ~sw & (v < 12.0) & (u > -12.0)

    lu = {}
    for year in (2016, 2021):
        a = base.copy()
        a[soil] = cv("2306")
        a[sand] = cv("2305")
        a[grass] = cv("0403")
        a[gully_shrub] = cv("0303")
        a[forest] = cv("0301")
        a[shrub16 if year == 2016 else shrub21] = cv("0303")
        a[flats] = cv("0506")
        a[chan] = cv("1701")
        lu[year] = a

    # Caohu wetland: exact areas by quantiles of a noisy elliptical field (ha -> design cells).
    cell_ha = D.cs * D.cs / 1e4
    e = np.sqrt(((u - CAOHU_C[0]) / 2.6) ** 2 + ((v - CAOHU_C[1]) / 1.45) ** 2) + 0.22 * n_grass + 0.10 * n_fine
    region = (e < 2.2) & bmaskD
    n_marsh_split = D.noise("marsh", 0.5)
    for year, (water_ha, marsh_ha, park_ha) in ((2016, (110.0, 600.0, 1379.0)), (2021, (125.0, 671.88, 1379.0))):
        a = lu[year]
        water = quantile_select(e + 0.25 * n_marsh_split, region, int(round(water_ha / cell_ha)))
        wet = quantile_select(e, region, int(round((water_ha + marsh_ha) / cell_ha)))
        park = quantile_select(e, region, int(round(park_ha / cell_ha)))
        ring = park & ~wet
        a[ring & (n_fine > 0.3)] = cv("0303")
        a[ring & (n_fine <= 0.3)] = cv("0403")
        a[ring & (n_sand > 1.0)] = cv("0301")
        marsh = wet & ~water
        a[marsh & (n_marsh_split > -0.1)] = cv("0503")
        a[marsh & (n_marsh_split <= -0.1)] = cv("0504")
        a[water] = cv("1702")
        if year == 2016:
            # the land restored by 2021 was bare soil in 2016
            wet21 = quantile_select(e, region, int(round((125.0 + 671.88) / cell_ha)))
            a[wet21 & ~wet] = cv("2306")
    return lu, d_river, nu


# ----------------------------------------------------------------------------------------------
# Oases (design grid): fields of 200 m x 100 m, shelter belts, villages, reclamation.


def paint_oases(D, lu, seed):
    """Paints fields into lu (design grid); returns the field list for basic farmland etc."""
    fields = []     # dict(oasis, u0, v0, u1, v1, c16, c21)
    villages = []
    for oname in ("Xincheng", "Wenshu", "Yuquan"):
        rng = sub_rng(seed, "oasis:" + oname)
        cu, cvv, ru, rv = TOWNS[oname]["oasis"]
        tr = TOWNS[oname]["rect"]
        # noisy ellipse membership on the 200 x 100 m unit grid
        u0 = math.floor((cu - ru * 1.3) * 5) / 5
        v0 = math.floor((cvv - rv * 1.3) * 10) / 10
        nu_ = int((ru * 2.6) / 0.2) + 1
        nv_ = int((rv * 2.6) / 0.1) + 1
        harm = [(k, rng.standard_normal() * 0.16 / k ** 0.7, rng.uniform(0, 2 * np.pi)) for k in range(2, 8)]
        # village seeds
        nvill = {"Xincheng": 6, "Wenshu": 5, "Yuquan": 3}[oname]
        vs = []
        while len(vs) < nvill:
            a = rng.uniform(0, 2 * np.pi)
            r = rng.uniform(0.35, 0.85)
            vu, vv = cu + ru * r * math.cos(a), cvv + rv * r * math.sin(a)
            if tr[0] - 0.3 < vu < tr[2] + 0.3 and tr[1] - 0.3 < vv < tr[3] + 0.3:
                continue
            vs.append((round(vu * 5) / 5, round(vv * 10) / 10))
        for iv in range(nv_):
            for iu in range(nu_):
                fu0 = round(u0 + iu * 0.2, 3)
                fv0 = round(v0 + iv * 0.1, 3)
                fu1, fv1 = round(fu0 + 0.2, 3), round(fv0 + 0.1, 3)
                mu, mv = (fu0 + fu1) / 2, (fv0 + fv1) / 2
                th = math.atan2((mv - cvv) / rv, (mu - cu) / ru)
                rr = math.hypot((mu - cu) / ru, (mv - cvv) / rv)
                lim = 1.0 + sum(a_ * math.cos(k * th + p) for k, a_, p in harm)
                if oname == "Xincheng" and (mu > 10.9 or (abs(mu - 11.45) < 0.7 and abs(mv - 16.25) < 0.6)):
                    continue    # Caohu wetland and the tomb field
                if rr > lim * 1.08:
                    continue
                if fu1 > tr[0] and fu0 < tr[2] and fv1 > tr[1] and fv0 < tr[3]:
                    continue    # the town itself
                edge = rr > lim * 0.93
                x = rng.random()
                if edge:
                    c16, c21 = ("2307", "0102") if x < 0.45 else ("0103", "0103") if x < 0.7 else ("0102", "0102")
                else:
                    if x < 0.66:
                        c16 = c21 = "0102"
                    elif x < 0.76:
                        c16 = c21 = "0103"
                    elif x < 0.84:
                        c16 = c21 = "0201"
                    elif x < 0.90:
                        c16, c21 = "0102", "0602"       # new greenhouses
                    elif x < 0.93:
                        c16 = c21 = "0602"
                    elif x < 0.95:
                        c16 = c21 = "0603"
                    elif x < 0.97:
                        c16, c21 = "0102", "2306"       # abandoned by 2021
                    else:
                        c16 = c21 = "0102"
                fields.append(dict(oasis=oname, u0=fu0, v0=fv0, u1=fu1, v1=fv1, c16=c16, c21=c21, iu=iu, iv=iv))
        for k, (vu, vv) in enumerate(vs):
            villages.append(dict(oasis=oname, name="%s village %d" % (oname, k + 1), u=vu, v=vv))
    # villages: 3 x 3 units of homesteads (some grew by 2021)
    vill_units = {}
    for vi, vd in enumerate(villages):
        rng = sub_rng(seed, "village:%d" % vi)
        for du in (-0.2, 0.0, 0.2):
            for dv in (-0.1, 0.0, 0.1):
                if abs(du) > 0.1 and abs(dv) > 0.05 and rng.random() < 0.5:
                    continue
                grown = (du == 0.2 and rng.random() < 0.5)
                vill_units[(round(vd["u"] + du, 3), round(vd["v"] + dv, 3))] = (vi, grown)
    for f in fields:
        key = (f["u0"], f["v0"])
        if key in vill_units:
            vi, grown = vill_units[key]
            f["village"] = vi
            if grown:
                f["c16"] = f["c16"] if f["c16"] != "2307" else "0102"
                f["c21"] = "0703"
            else:
                f["c16"] = f["c21"] = "0703"
    # paint fields
    for f in fields:
        rs, cs_ = design_window(D, f["u0"], f["v0"], f["u1"], f["v1"])
        lu[2016][rs, cs_] = cv(f["c16"])
        lu[2021][rs, cs_] = cv(f["c21"])
    # shelter belts: 20 m of forest along the south edge of every 4th unit row (farmed fields only)
    for f in fields:
        if f["iv"] % 4 == 0:
            rs, cs_ = design_window(D, f["u0"], f["v0"], f["u1"], f["v0"] + 0.02)
            for year, key in ((2016, "c16"), (2021, "c21")):
                if f[key] in ("0102", "0103", "0201"):
                    lu[year][rs, cs_] = cv("0301")
    return fields, villages


def design_window(D, u0, v0, u1, v1):
    x0, y0 = W(u0, v0)
    x1, y1 = W(u1, v1)
    c0 = int(round((x0 - ORIGIN_X) / D.cs))
    c1 = int(round((x1 - ORIGIN_X) / D.cs))
    r0 = int(round((ORIGIN_Y - y1) / D.cs))
    r1 = int(round((ORIGIN_Y - y0) / D.cs))
    return slice(max(r0, 0), max(r1, 0)), slice(max(c0, 0), max(c1, 0))


# ----------------------------------------------------------------------------------------------
# Crisp painting on the study grid (both epochs at once)


class Painter:
    def __init__(self, grid, lu16, lu21):
        self.g = grid
        self.lu = {2016: lu16, 2021: lu21}

    def rect(self, u0, v0, u1, v1, c16, c21):
        """Paint a local-km rectangle with c16 in 2016 and c21 in 2021 (None: leave that year)."""
        x0, y0 = W(u0, v0)
        x1, y1 = W(u1, v1)
        rs, cs_ = self.g.window(x0, y0, x1, y1)
        for year, c in ((2016, c16), (2021, c21)):
            if c is not None:
                self.lu[year][rs, cs_] = cv(c)

    def geom(self, g, c16, c21):
        rs, cs_, m = rasterize(self.g, [g])
        m = m.astype(bool)
        for year, c in ((2016, c16), (2021, c21)):
            if c is not None:
                self.lu[year][rs, cs_][m] = cv(c)

    def line(self, pts, width_km, c16, c21):
        g = line_local(pts).Buffer(width_km * 500.0, 4)
        self.geom(g, c16, c21)


def block_insets(c, j, merged=None):
    """Inset (left, bottom, right, top) in km: 20 m at arterials (half-integers), 10 m at secondaries."""
    return (0.02 if c % 2 == 0 else 0.01, 0.02 if j % 2 == 0 else 0.01,
            0.01 if c % 2 == 0 else 0.02, 0.01 if j % 2 == 0 else 0.02)


def paint_city(P, seed):
    """City, JISCO, industrial parks, towns. Returns the list of city blocks (for parcels)."""
    blocks = []
    u0c, v0c, u1c, v1c = CITY
    # road fabric: old city (2016) and the new west district (roads built 2018)
    P.rect(-3.5, v0c, u1c, v1c, "1207", "1207")
    P.rect(u0c, v0c, -3.5, v1c, None, "1207")
    farm16 = set()
    for j in range(8):
        for c in range(16):
            if c >= 12 and j >= 4 and ZONING[7 - j][c] in "RGH":
                farm16.add((c, j))
    for j in range(8):
        row = ZONING[7 - j]
        for c in range(16):
            z = row[c]
            if z in "KD":
                continue
            bu0, bv0 = -4.5 + 0.5 * c, -1.5 + 0.5 * j
            il, ib, ir, it = block_insets(c, j)
            b = dict(c=c, j=j, zone=z, u0=round(bu0 + il, 3), v0=round(bv0 + ib, 3),
                     u1=round(bu0 + 0.5 - ir, 3), v1=round(bv0 + 0.5 - it, 3))
            blocks.append(b)
    for b in blocks:
        rng = sub_rng(seed, "block:%d:%d" % (b["c"], b["j"]))
        u0, v0, u1, v1, z = b["u0"], b["v0"], b["u1"], b["v1"], b["zone"]
        late = (b["c"], b["j"]) in farm16 or (b["c"] in (2, 3) and b["j"] in (0, 1))
        pre = "0102" if (b["c"], b["j"]) in farm16 else "2306"
        b["built_year"] = 2018 if late else 2000
        if z == "N":
            P.rect(u0, v0, u1, v1, "2307", "2301")
            continue
        code = {"R": "0701", "C": "0901", "S": "0804", "H": "0806", "M": "0803", "P": "1401",
                "G": "1402", "I": "1001", "W": "1101", "U": "1301"}[z]
        if z == "U":
            code = ["1301", "1302", "1303"][int(rng.integers(0, 3))]
        c16 = pre if late else code
        P.rect(u0, v0, u1, v1, c16, code)
        b["code"] = code
        if z == "R":
            x = rng.random()
            if x < 0.22:        # neighbourhood school
                P.rect(u0, v0, u0 + 0.16, v0 + 0.2, None if late else "0804", "0804")
            elif x < 0.5:       # pocket park
                P.rect(u1 - 0.15, v1 - 0.14, u1, v1, None if late else "1401", "1401")
            if rng.random() < 0.45:     # shops along the arterial side
                if b["j"] % 2 == 0:
                    P.rect(u0, v0, u1, v0 + 0.05, None if late else "0901", "0901")
                else:
                    P.rect(u0, v1 - 0.05, u1, v1, None if late else "0901", "0901")
        elif z == "P":
            P.rect(u0 + 0.12, v0 + 0.14, u0 + 0.3, v0 + 0.26, "1702", "1702")
        elif z == "C":
            P.rect(u0 + 0.15, v0 + 0.15, u0 + 0.27, v0 + 0.27, "1403", "1403")
    # civic centre: government, square, museum garden
    P.rect(-0.48, -0.48, 0.48, 0.48, "1401", "1401")
    P.rect(-0.2, -0.1, 0.2, 0.3, "0801", "0801")
    P.rect(-0.3, -0.42, 0.3, -0.12, "1403", "1403")
    P.rect(0.25, 0.1, 0.45, 0.4, "0803", "0803")
    P.rect(-0.45, 0.1, -0.25, 0.4, "0801", "0801")
    # Donghu park with its lake
    P.rect(2.01, -1.48, 3.48, -0.01, "1401", "1401")
    P.geom(poly_geom(blob_local(2.8, -0.75, 0.42, 0.3, sub_rng(seed, "donghu"), n=90, amp=0.12)), "1702", "1702")
    # riverside strip: shelter green (west half old, east half planted by 2021)
    P.rect(RIVERSIDE[0], RIVERSIDE[1], -0.5, RIVERSIDE[3] - 0.02, "1402", "1402")
    P.rect(-0.5, RIVERSIDE[1], RIVERSIDE[2], RIVERSIDE[3] - 0.02, None, "1402")
    # main roads outside the block fabric
    P.rect(-4.5, 2.48, 5.52, 2.52, "1207", "1207")
    P.rect(5.48, 2.48, 5.52, 6.32, "1207", "1207")
    P.rect(u0c, -1.52, u1c, -1.48, "1207", "1207")
    for uu in (-3.5, 0.5, 1.5, 3.5):
        P.rect(uu - 0.02, -2.3, uu + 0.02, -1.5, "1207", "1207")
    # protective belt between the city and JISCO, with the railway and the station
    P.rect(0.5, 2.52, BELT[2], BELT[3], "1402", "1402")
    P.rect(BELT[0], 2.52, 0.5, BELT[3], None, "1402")
    P.rect(0.0, 2.52, 0.6, 2.68, "1208", "1208")
    for uu in (0.5, 3.5):
        P.rect(uu - 0.02, 2.5, uu + 0.02, 3.0, "1207", "1207")
    return blocks


def paint_jisco(P):
    u0, v0, u1, v1 = JISCO
    P.rect(u0, v0, 4.6, v1, "1001", "1001")
    P.rect(4.6, v0, u1, v1, None, "1001")
    # perimeter shelter belt (widened from 40 m to 150 m by 2021 on the old plant)
    for (a, b, c, d) in ((u0, v0, u1, v0 + 0.15), (u0, v1 - 0.15, u1, v1), (u0, v0, u0 + 0.15, v1),
                         (u1 - 0.15, v0, u1, v1)):
        P.rect(a, b, c, d, None, "1402")
    for (a, b, c, d) in ((u0, v0, 4.6, v0 + 0.04), (u0, v1 - 0.04, 4.6, v1), (u0, v0, u0 + 0.04, v1)):
        P.rect(a, b, c, d, "1402", None)
    P.rect(1.0, 4.95, 2.1, 5.55, "1101", "1101")          # ore and coal yards
    P.rect(2.9, 3.3, 3.6, 3.85, "1101", "1101")
    P.rect(3.2, 5.1, 3.8, 5.6, "1303", "1303")            # captive power plant
    P.rect(0.7, 3.3, 1.2, 3.7, "1301", "1301")            # water works
    P.rect(0.6, 4.2, 4.5, 4.26, "1201", "1201")           # plant railway
    P.rect(2.48, v0 + 0.04, 2.52, v1 - 0.04, "1207", "1207")
    P.rect(u0 + 0.04, 4.48, u1 - 0.04, 4.52, "1207", "1207")
    P.rect(1.4, 3.3, 2.3, 3.42, "1402", "1402")          # internal green strips
    P.rect(0.65, 4.28, 2.46, 4.46, "1402", "1402")
    P.rect(2.54, 4.28, 4.45, 4.46, "1402", "1402")
    P.rect(3.9, 4.7, 4.5, 4.82, None, "1402")


def lot_grid(u_edges, v_edges, road_km=0.02):
    lots = []
    for j in range(len(v_edges) - 1):
        for i in range(len(u_edges) - 1):
            h = road_km / 2
            lots.append(dict(i=i, j=j, u0=round(u_edges[i] + h, 3), v0=round(v_edges[j] + h, 3),
                             u1=round(u_edges[i + 1] - h, 3), v1=round(v_edges[j + 1] - h, 3)))
    return lots


def paint_parks_industry(P, seed):
    """Jiadong and Jiabei industrial parks; returns their lots."""
    rng = sub_rng(seed, "industry")
    jd = lot_grid([3.5, 3.95, 4.4, 4.85, 5.3], [-1.5 + 0.5 * k for k in range(9)])
    P.rect(JIADONG[0], JIADONG[1], JIADONG[2], 0.5, "1207", "1207")
    P.rect(JIADONG[0], 0.5, JIADONG[2], JIADONG[3], None, "1207")
    for lot in jd:
        lot["park"] = "Jiadong"
        if lot["v1"] <= 0.5:
            code = "1302" if (lot["i"] == 3 and lot["j"] == 0) else ("1101" if rng.random() < 0.3 else "1001")
            lot["code"] = code
            P.rect(lot["u0"], lot["v0"], lot["u1"], lot["v1"], code, code)
        else:
            P.rect(lot["u0"], lot["v0"], lot["u1"], lot["v1"], None, "2307")
    jb = lot_grid([5.5 + 0.5 * k for k in range(8)], [3.0, 3.55, 4.1, 4.65, 5.2, 5.75, 6.3])
    for lot in jb:
        lot["park"] = "Jiabei"
        old = lot["i"] <= 2 and lot["j"] <= 2
        if old:
            code = "1303" if (lot["i"] == 0 and lot["j"] == 0) else ("1101" if rng.random() < 0.3 else "1001")
            lot["code"] = code
            P.rect(lot["u0"] - 0.01, lot["v0"] - 0.01, lot["u1"] + 0.01, lot["v1"] + 0.01, "1207", "1207")
            P.rect(lot["u0"], lot["v0"], lot["u1"], lot["v1"], code, code)
        elif lot["i"] <= 3:
            P.rect(lot["u0"] - 0.01, lot["v0"] - 0.01, lot["u1"] + 0.01, lot["v1"] + 0.01, None, "1207")
            P.rect(lot["u0"], lot["v0"], lot["u1"], lot["v1"], None, "2307")
    return jd, jb


def paint_town(P, name, seed):
    """A town seat: 250 m blocks with 20 m streets; the east column was added after 2016."""
    rng = sub_rng(seed, "town:" + name)
    u0, v0, u1, v1 = TOWNS[name]["rect"]
    nu = int(round((u1 - u0) / 0.25))
    nv = int(round((v1 - v0) / 0.25))
    du = (u1 - u0) / nu
    dv = (v1 - v0) / nv
    ue = [round(u0 + k * du, 2) for k in range(nu + 1)]
    ve = [round(v0 + k * dv, 2) for k in range(nv + 1)]
    P.rect(u0, v0, ue[-2], v1, "1207", "1207")
    P.rect(ue[-2], v0, u1, v1, None, "1207")
    lots = lot_grid(ue, ve)
    ci, cj = nu // 2, nv // 2
    specials = {(ci, cj): "0801", (ci - 1, cj): "1403", (ci, cj - 1): "1401", (ci - 1, cj - 1): "0804",
                (ci + 1, cj): "0901", (ci, cj + 1): "0806"}
    for lot in lots:
        code = specials.get((lot["i"], lot["j"]))
        if code is None:
            code = "0901" if rng.random() < 0.12 else "0701"
        lot["code"] = code
        late = lot["i"] == nu - 1
        P.rect(lot["u0"], lot["v0"], lot["u1"], lot["v1"], None if late else code, code)
    return lots


def paint_misc(P, seed):
    # heritage precincts
    P.rect(*FORT_PRECINCT, "1504", "1504")
    P.rect(*TOMB_SITE, "1504", "1504")
    # airport: runway strip and apron (1203)
    P.geom(rot_rect_local(4.51, 9.6, 4.2, 0.42, 40.0), "1203", "1203")
    P.geom(rot_rect_local(4.98, 9.2, 0.9, 0.35, 40.0), "1203", "1203")
    # Xincheng irrigation reservoir
    P.geom(poly_geom(blob_local(7.2, 13.6, 0.75, 0.38, sub_rng(seed, "reservoir"), n=90, amp=0.1, rot_deg=20)),
           "1703", "1703")


# Road network: named nodes (local km) and edges (node list, class, raster width km, tree share).
def road_network():
    N = {}
    # city arterial grid (every 1 km) and secondaries between
    au = [-4.5, -3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5]
    av = [-1.5, -0.5, 0.5, 1.5, 2.5]
    su = [-4.0, -3.0, -2.0, -1.0, 1.0, 2.0, 3.0]
    sv = [-1.0, 0.0, 1.0, 2.0]
    edges = []

    def nid(u, v):
        key = "n%+06.2f%+06.2f" % (u, v)
        N[key] = (u, v)
        return key

    # arterials E-W and N-S split at every crossing with arterials/secondaries
    for v in av:
        xs = sorted(set(au + su))
        for a, b in zip(xs[:-1], xs[1:]):
            if v == -0.5 and a >= 2.0:
                continue        # Donghu park
            edges.append(([nid(a, v), nid(b, v)], "arterial"))
    for u in au:
        ys = sorted(set(av + sv))
        for a, b in zip(ys[:-1], ys[1:]):
            if u == 2.5 and b <= 0.0:
                continue        # Donghu park
            edges.append(([nid(u, a), nid(u, b)], "arterial"))
    for v in sv:
        xs = sorted(set(au + su))
        for a, b in zip(xs[:-1], xs[1:]):
            if (v == 0.0 and -0.5 <= a and b <= 0.5) or (v == -1.0 and a >= 2.0):
                continue
            edges.append(([nid(a, v), nid(b, v)], "secondary"))
    for u in su:
        ys = sorted(set(av + sv))
        for a, b in zip(ys[:-1], ys[1:]):
            if u == 3.0 and b <= 0.0:
                continue
            edges.append(([nid(u, a), nid(u, b)], "secondary"))
    # east: Jiadong, the u = 5.5 arterial, Jiabei
    for v in av[:-1]:
        edges.append(([nid(3.5, v), nid(5.3, v)], "secondary"))
    edges.append(([nid(5.3, -1.5), nid(5.3, -0.5), nid(5.3, 0.5), nid(5.3, 1.5), nid(5.3, 2.5)], "secondary"))
    edges.append(([nid(3.5, 2.5), nid(5.3, 2.5)], "arterial"))
    edges.append(([nid(5.3, 2.5), nid(5.5, 2.5)], "arterial"))
    edges.append(([nid(5.5, 2.5), nid(5.5, 3.0), nid(5.5, 4.1), nid(5.5, 5.2), nid(5.5, 6.3)], "arterial"))
    edges.append(([nid(5.5, 4.1), nid(7.5, 4.1)], "secondary"))
    edges.append(([nid(5.5, 5.2), nid(7.5, 5.2)], "secondary"))
    edges.append(([nid(0.5, 2.5), nid(0.5, 3.0)], "arterial"))
    edges.append(([nid(3.5, 2.5), nid(3.5, 3.0)], "arterial"))
    # G30 expressway south of the city; interchanges at u = -3.5, 0.5, 3.5
    N["g30_e"] = (7.6, -1.15)
    N["g30_w"] = (-27.2, 3.3)
    for uu in (-3.5, 0.5, 1.5, 3.5):
        edges.append(([nid(uu, -1.5), nid(uu, -2.3)], "arterial"))
    edges.append((["g30_e", nid(3.5, -2.3)], "expressway", [(5.8, -1.85)]))
    edges.append(([nid(3.5, -2.3), nid(1.5, -2.3)], "expressway"))
    edges.append(([nid(1.5, -2.3), nid(0.5, -2.3)], "expressway"))
    edges.append(([nid(0.5, -2.3), nid(-3.5, -2.3)], "expressway"))
    edges.append(([nid(-3.5, -2.3), "g30_w"], "expressway", [(-8.0, -1.0), (-15.0, 1.5), (-24.0, 3.5)]))
    # Wenshu road (bridge over the Taolai), Xincheng and airport roads, Yuquan, the pass, Caohu
    tw = TOWNS
    N["ws_n"] = (6.1, -5.8)
    edges.append(([nid(1.5, -2.3), "ws_n"], "secondary", [(2.4, -3.6), (4.2, -4.9)]))
    N["xc_s"] = (9.75, 18.5)
    N["ap"] = (6.05, 7.65)
    N["ap_t"] = (5.05, 9.05)
    edges.append(([nid(5.5, 6.3), "ap"], "secondary"))
    edges.append((["ap", "xc_s"], "secondary", [(6.6, 9.1), (8.0, 13.0), (9.0, 17.0)]))
    edges.append((["ap", "ap_t"], "secondary"))
    N["yq_s"] = (-3.25, 5.9)
    edges.append(([nid(-3.5, 2.5), "yq_s"], "secondary", [(-3.5, 3.0), (-3.25, 4.0)]))
    N["pass_gate"] = (-5.95, 3.1)
    edges.append(([nid(-4.5, 1.5), "pass_gate"], "secondary", [(-5.5, 2.4)]))
    N["yq_w"] = (-3.8, 6.35)
    N["rockart"] = (-15.5, 8.3)
    edges.append((["yq_w", "rockart"], "rural", [(-8.0, 7.0)]))
    N["xc_e"] = (10.4, 19.0)
    N["caohu_gate"] = (12.3, 18.9)
    edges.append((["xc_e", "caohu_gate"], "rural"))
    # town streets (main cross streets) tying the rural roads in
    for name, (sn, wn, en, nn) in (("Xincheng", ("xc_s", "xc_w", "xc_e", "xc_n")),
                                     ("Wenshu", ("ws_s", "ws_w", "ws_e", "ws_n")),
                                     ("Yuquan", ("yq_s", "yq_w", "yq_e", "yq_n"))):
        u0, v0, u1, v1 = tw[name]["rect"]
        cu, cvv = tw[name]["centre"]
        N[sn], N[nn], N[wn], N[en] = (cu, v0), (cu, v1), (u0, cvv), (u1, cvv)
        cn = "%s_c" % sn[:2]
        N[cn] = (cu, cvv)
        edges += [([sn, cn], "local"), ([cn, nn], "local"), ([wn, cn], "local"), ([cn, en], "local")]
    # rural field roads
    N["ws_far"] = (8.6, -7.6)
    edges.append((["ws_e", "ws_far"], "rural", [(8.0, -6.3)]))
    N["ws_sw"] = (4.3, -7.9)
    edges.append((["ws_w", "ws_sw"], "rural", [(4.8, -6.3)]))
    N["xc_wfar"] = (6.4, 18.7)
    edges.append((["xc_w", "xc_wfar"], "rural", [(8.0, 19.0)]))
    N["xc_nfar"] = (9.75, 20.4)
    edges.append((["xc_n", "xc_nfar"], "rural"))
    N["yq_efar"] = (-1.2, 7.4)
    edges.append((["yq_e", "yq_efar"], "rural", [(-1.9, 6.35)]))
    return N, edges


ROAD_STYLE = {  # class -> (raster code, width km, tree-lined share)
    "expressway": ("1202", 0.04, 0.0),
    "arterial": ("1207", 0.04, 0.85),
    "secondary": ("1202", 0.03, 0.7),
    "local": ("1207", 0.02, 0.8),
    "rural": ("1202", 0.02, 0.5),
}


def check_connected(edges_nodes):
    parent = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a
    for nodes in edges_nodes:
        for a, b in zip(nodes[:-1], nodes[1:]):
            parent[find(a)] = find(b)
    roots = {find(a) for a in list(parent)}
    if len(roots) != 1:
        raise SystemExit("network not connected: %d components" % len(roots))


def road_features(seed):
    N, chains = road_network()
    edges = []
    for e in chains:        # a chain of nodes becomes one edge per consecutive pair
        if len(e[0]) > 2:
            assert len(e) == 2, "a chain with shape points"
            edges += [([a, b], e[1]) for a, b in zip(e[0][:-1], e[0][1:])]
        else:
            edges.append(e)
    check_connected([e[0] for e in edges])
    rng = sub_rng(seed, "roads")
    feats = []
    for k, e in enumerate(edges):
        nodes, cls = e[0], e[1]
        via = e[2] if len(e) > 2 else []
        pts = [N[nodes[0]]] + list(via) + [N[n] for n in nodes[1:]]
        feats.append(dict(nodes=nodes, cls=cls, pts=pts, tree=1 if rng.random() < ROAD_STYLE[cls][2] else 0))
    return N, feats


def paint_roads(P, road_feats):
    """Roads outside the block fabric (inside it the fabric already is 1207)."""
    for f in road_feats:
        external = any(not n.startswith("n") for n in f["nodes"]) or f["cls"] == "expressway"
        if external and f["cls"] != "local":
            code, w, _ = ROAD_STYLE[f["cls"]]
            P.line(f["pts"], w, code, code)


def paint_rail(P):
    P.rect(-3.5, 2.72, 5.5, 2.78, "1201", "1201")
    P.line([(5.5, 2.75), (8.0, 2.35), (9.5, 2.2)], 0.06, "1201", "1201")
    P.line([(-3.5, 2.75), (-5.8, 5.0), (-10.0, 6.6), (-18.0, 5.0), (-24.6, 5.1)], 0.06, "1201", "1201")


# ----------------------------------------------------------------------------------------------
# Land supply parcels and the idle-land rule (docs/DATA.md)


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:          # 29 February -> 1 March
        return d.replace(year=d.year + n, month=3, day=1)


def full_years_between(a, b):
    """Whole years from date a to date b (anniversary inclusive)."""
    n = b.year - a.year
    if add_years(a, n) > b:
        n -= 1
    return n


def idle_status(p, bare_share, ref=REF_DATE):
    """The status docs/DATA.md defines, as of ref. p: dict of record fields (dates as strings)."""
    d = lambda s: dt.date.fromisoformat(s) if s else None
    contract, start, susp = d(p["contract_start"]), d(p["actual_start"]), d(p["suspended_since"])
    started = start is not None and start <= ref
    rec = "not_idle"
    if not started:
        years = full_years_between(contract, ref) if contract <= ref else -1
        if years >= 2:
            rec = "idle_2y_reclaim"
        elif years >= 1:
            rec = "idle_1y_fee20"
    else:
        low = p["developed_share"] < 1.0 / 3.0 or p["invested_share"] < 0.25
        if low and susp is not None and susp <= ref:
            years = full_years_between(susp, ref)
            if years >= 2:
                rec = "idle_2y_reclaim"
            elif years >= 1:
                rec = "idle_1y_fee20"
    if rec != "not_idle" and p["cause"]:
        return "gov_cause_negotiate"
    if rec == "not_idle" and bare_share >= 0.5 and add_years(contract, 1) <= ref:
        return "suspected_idle"
    return rec


def rdate(rng, y0, y1):
    """A random date in [y0-01-01, y1-12-28] avoiding 29 February."""
    y = int(rng.integers(y0, y1 + 1))
    return dt.date(y, int(rng.integers(1, 13)), int(rng.integers(1, 29)))


def iso(d):
    return d.isoformat() if d else ""


# template -> attributes; every template knows the status it must produce
def make_record(tpl, rng):
    r = dict(actual_start="", suspended_since="", cause="", developed_share=0.0, invested_share=0.0)
    paint = "use"           # what the 2021 map shows: use | bare | partial
    if tpl == "done_old":
        c = rdate(rng, 2006, 2013)
        r.update(contract_start=iso(c), actual_start=iso(c + dt.timedelta(days=int(rng.integers(30, 300)))),
                 developed_share=1.0, invested_share=1.0)
        st = "not_idle"
    elif tpl == "done_new":
        c = rdate(rng, 2016, 2019)
        r.update(contract_start=iso(c), actual_start=iso(c + dt.timedelta(days=int(rng.integers(60, 330)))),
                 developed_share=round(float(rng.uniform(0.6, 1.0)), 2), invested_share=round(float(rng.uniform(0.6, 1.0)), 2))
        st = "not_idle"
    elif tpl == "recent":
        c = dt.date(2021, int(rng.integers(2, 12)), int(rng.integers(1, 29)))
        r.update(contract_start=iso(c))
        paint, st = "bare", "not_idle"
    elif tpl == "edge_1y_minus":
        r.update(contract_start="2021-01-01")
        paint, st = "bare", "not_idle"
    elif tpl == "idle1":
        c = dt.date(2020, int(rng.integers(2, 12)), int(rng.integers(1, 29)))
        r.update(contract_start=iso(c))
        paint, st = "bare", "idle_1y_fee20"
    elif tpl == "edge_1y":
        r.update(contract_start="2020-12-31")
        paint, st = "bare", "idle_1y_fee20"
    elif tpl == "edge_2y_minus":
        r.update(contract_start="2020-01-01")
        paint, st = "bare", "idle_1y_fee20"
    elif tpl == "edge_2y":
        r.update(contract_start="2019-12-31")
        paint, st = "bare", "idle_2y_reclaim"
    elif tpl == "idle2":
        c = rdate(rng, 2014, 2018)
        r.update(contract_start=iso(c))
        paint, st = "bare", "idle_2y_reclaim"
    elif tpl == "gov":
        c = rdate(rng, 2015, 2019)
        r.update(contract_start=iso(c), cause=["government", "plan_change", "heritage", "force_majeure"][int(rng.integers(0, 4))])
        paint, st = "bare", "gov_cause_negotiate"
    elif tpl == "gov_susp":
        c = rdate(rng, 2015, 2016)
        r.update(contract_start=iso(c), actual_start=iso(c + dt.timedelta(days=200)), developed_share=0.15,
                 invested_share=0.1, suspended_since="2019-06-15", cause="force_majeure")
        paint, st = "partial", "gov_cause_negotiate"
    elif tpl == "susp1":
        c = rdate(rng, 2017, 2018)
        r.update(contract_start=iso(c), actual_start=iso(c + dt.timedelta(days=150)),
                 developed_share=round(float(rng.uniform(0.1, 0.3)), 2), invested_share=round(float(rng.uniform(0.1, 0.5)), 2),
                 suspended_since=iso(dt.date(2020, int(rng.integers(1, 12)), int(rng.integers(1, 29)))))
        paint, st = "partial", "idle_1y_fee20"
    elif tpl == "susp2":
        c = rdate(rng, 2014, 2016)
        r.update(contract_start=iso(c), actual_start=iso(c + dt.timedelta(days=120)),
                 developed_share=round(float(rng.uniform(0.1, 0.3)), 2), invested_share=round(float(rng.uniform(0.1, 0.2)), 2),
                 suspended_since=iso(rdate(rng, 2017, 2019)))
        paint, st = "partial", "idle_2y_reclaim"
    elif tpl == "susp_invest":
        c = rdate(rng, 2015, 2017)
        r.update(contract_start=iso(c), actual_start=iso(c + dt.timedelta(days=100)), developed_share=0.5,
                 invested_share=0.2, suspended_since="2019-10-01")
        paint, st = "partial", "idle_2y_reclaim"
    elif tpl == "susp_edge_1y":
        r.update(contract_start="2018-04-10", actual_start="2018-09-01", developed_share=0.1,
                 invested_share=0.1, suspended_since="2020-12-31")
        paint, st = "partial", "idle_1y_fee20"
    elif tpl == "susp_short":
        r.update(contract_start="2019-05-20", actual_start="2019-11-02", developed_share=0.2,
                 invested_share=0.3, suspended_since="2021-01-01")
        st = "not_idle"
    elif tpl == "edge_dev_third":
        r.update(contract_start="2016-07-08", actual_start="2017-03-01", developed_share=1.0 / 3.0,
                 invested_share=0.5, suspended_since="2019-03-01")
        st = "not_idle"
    elif tpl == "edge_inv_quarter":
        r.update(contract_start="2016-08-18", actual_start="2017-04-01", developed_share=0.5,
                 invested_share=0.25, suspended_since="2019-04-01")
        st = "not_idle"
    elif tpl == "edge_inv_quarter_lowdev":
        r.update(contract_start="2016-09-09", actual_start="2017-05-01", developed_share=0.2,
                 invested_share=0.25, suspended_since="2019-06-01")
        paint, st = "partial", "idle_2y_reclaim"
    elif tpl == "low_not_susp":
        r.update(contract_start="2020-11-16", actual_start="2021-05-10", developed_share=0.1, invested_share=0.1)
        st = "not_idle"
    elif tpl == "suspect":
        c = rdate(rng, 2017, 2019)
        r.update(contract_start=iso(c), actual_start=iso(c + dt.timedelta(days=int(rng.integers(90, 400)))),
                 developed_share=round(float(rng.uniform(0.5, 0.9)), 2), invested_share=round(float(rng.uniform(0.5, 0.9)), 2))
        paint, st = "bare", "suspected_idle"
    elif tpl == "suspect_recent":
        r.update(contract_start="2021-04-06", actual_start="2021-09-15", developed_share=0.4, invested_share=0.4)
        paint, st = "bare", "not_idle"
    else:
        raise ValueError(tpl)
    return r, paint, st


UNIT_PRICE = {"0701": 1800.0, "0901": 2600.0, "0804": 500.0, "0806": 700.0, "1001": 230.0, "1101": 210.0,
              "1303": 200.0, "1401": 300.0}

# zone -> template list (cycled, then random fill)
WEST_TEMPLATES = ["done_new", "done_new", "recent", "edge_1y_minus", "idle1", "edge_1y", "edge_2y_minus",
                  "edge_2y", "idle2", "gov", "susp1", "susp2", "susp_short", "edge_dev_third", "suspect",
                  "suspect_recent", "low_not_susp", "done_new", "done_new", "gov", "done_new", "susp_edge_1y",
                  "done_new", "recent", "done_new", "idle1", "done_new", "edge_inv_quarter", "done_new",
                  "suspect", "done_new", "done_new"]
JIADONG_TEMPLATES = ["done_new", "done_new", "susp_invest", "edge_inv_quarter_lowdev", "idle2", "gov", "done_new",
                     "suspect", "done_new", "recent", "susp1", "done_new", "gov_susp", "idle1", "done_new", "done_new"]
JIABEI_TEMPLATES = ["done_new", "idle2", "idle2", "gov", "suspect", "done_new", "susp2", "idle1", "done_new",
                    "recent", "done_new", "suspect", "idle2", "done_new", "susp1", "done_new", "idle1",
                    "done_new", "gov", "done_new", "idle2", "done_new", "suspect", "recent"]


def design_parcels(seed, blocks, jd, jb, towns):
    rng = sub_rng(seed, "parcels")
    parcels = []

    def add(u0, v0, u1, v1, use, tpl, bare, zone):
        r, paint, st = make_record(tpl, rng)
        area = (u1 - u0) * (v1 - v0) * 1e6
        r.update(u0=u0, v0=v0, u1=u1, v1=v1, use_code=use, template=tpl, paint=paint, intended=st,
                 bare_code=bare, zone=zone,
                 land_price_yuan=float(round(area * UNIT_PRICE.get(use, 500.0) * float(rng.uniform(0.85, 1.15)), -3)))
        parcels.append(r)

    # old city records: every built block south of v = 1.5 (west to east), all developed long ago
    for b in blocks:
        if b["zone"] in "RCSHMPU" and b.get("built_year", 2000) == 2000 and b["j"] <= 2 and b["c"] % 2 == 0:
            add(b["u0"], b["v0"], b["u1"], b["v1"], b["code"], "done_old", "2301", "old_city")
        elif b.get("built_year") == 2018 and b["zone"] in "RGH":
            add(b["u0"], b["v0"], b["u1"], b["v1"], b["code"], "done_new", "2306", "east_city")
    # west new district: each block split into two lots (west / east halves)
    west = sorted([b for b in blocks if b["zone"] == "N"], key=lambda b: (b["j"], b["c"]))
    k = 0
    for b in west:
        mid = round((b["u0"] + b["u1"]) / 2, 2)
        for (a, c) in ((b["u0"], mid - 0.005), (mid + 0.005, b["u1"])):
            tpl = WEST_TEMPLATES[k % len(WEST_TEMPLATES)]
            use = ["0701", "0701", "0701", "0901", "0804", "0701"][k % 6]
            add(round(a, 3), b["v0"], round(c, 3), b["v1"], use, tpl, "2301", "west_district")
            k += 1
    for i, lot in enumerate([l for l in jd if l["v0"] > 0.5]):
        tpl = JIADONG_TEMPLATES[i % len(JIADONG_TEMPLATES)]
        add(lot["u0"], lot["v0"], lot["u1"], lot["v1"], "1101" if i % 4 == 1 else "1001", tpl, "2307", "jiadong")
    for lot in [l for l in jd if l["v1"] <= 0.5]:
        add(lot["u0"], lot["v0"], lot["u1"], lot["v1"], lot["code"], "done_old", "2307", "jiadong")
    i = 0
    for lot in jb:
        if lot["i"] <= 2 and lot["j"] <= 2:
            add(lot["u0"], lot["v0"], lot["u1"], lot["v1"], lot["code"], "done_old", "2307", "jiabei")
        elif lot["i"] <= 3 or (lot["i"] in (4, 5) and lot["j"] in (1, 4)):
            tpl = JIABEI_TEMPLATES[i % len(JIABEI_TEMPLATES)]
            if lot["i"] >= 4:
                tpl = "idle2"       # supplied before the boundary was drawn, outside it now
            add(lot["u0"], lot["v0"], lot["u1"], lot["v1"], "1101" if i % 5 == 2 else "1001", tpl, "2307", "jiabei")
            i += 1
    # JISCO expansion (stainless / rolling mills), developed 2017-2019
    for (a, b_, c, d) in ((4.6, 3.08, 5.42, 3.9), (4.6, 3.9, 5.42, 4.7), (4.6, 4.7, 5.42, 5.72)):
        add(a, b_, c, d, "1001", "done_new", "2307", "jisco")
    # towns: the lots of the east column (built after 2016)
    for name, lots in towns.items():
        for lot in lots:
            if lot["i"] == max(l["i"] for l in lots) and lot["j"] % 2 == 0:
                add(lot["u0"], lot["v0"], lot["u1"], lot["v1"], lot["code"], "done_new", "2306", "town:" + name)
    for n, p in enumerate(parcels):
        p["parcel_id"] = "LS-%04d" % (n + 1)
    return parcels


def paint_parcels(P, parcels):
    """Parcels decide what the ground shows in each epoch."""
    for p in parcels:
        u0, v0, u1, v1 = p["u0"], p["v0"], p["u1"], p["v1"]
        start = p["actual_start"]
        built16 = bool(start) and start <= "2016-12-31" and p["paint"] != "bare"
        if p["zone"] in ("old_city", "east_city") or (p["zone"] == "jiabei" and p["template"] == "done_old") or \
                (p["zone"] == "jiadong" and p["template"] == "done_old") or p["zone"].startswith("town:"):
            continue        # already painted by the block / lot / town painters
        use = p["use_code"]
        bare = p["bare_code"]
        if p["paint"] == "use":
            P.rect(u0, v0, u1, v1, use if built16 else None, use)
        elif p["paint"] == "bare":
            P.rect(u0, v0, u1, v1, None, bare)
        else:   # partial: the developed share (west part) built, the rest idle land
            um = round(u0 + (u1 - u0) * max(p["developed_share"], 0.05), 2)
            P.rect(u0, v0, um, v1, use if built16 else None, use)
            P.rect(um, v0, u1, v1, None, "2301")


# ----------------------------------------------------------------------------------------------
# Control lines and other vector layers


def rect_union_polys(grid, rects):
    """Exact union of 10 m-aligned local rectangles as rectilinear polygons."""
    geoms = [rect_local(*r) for r in rects]
    rs, cs_, m = rasterize(grid, geoms)
    return mask_to_polygons(grid, m.astype(bool), (rs, cs_))


def sort_polys(polys):
    def key(g):
        e = g.GetEnvelope()
        return (-round(e[3], 3), round(e[0], 3))
    return sorted(polys, key=key)


def zones(grid):
    z = {}
    conc_rects = [(-4.5, -1.5, 3.5, 2.5), RIVERSIDE, BELT, JISCO, JIADONG, JIABEI] + [t["rect"] for t in TOWNS.values()]
    z["conc"] = sort_polys(rect_union_polys(grid, conc_rects))
    # flexible: west (kept >= 200 m off the Great Wall), Jiabei north, Xincheng east, Wenshu east
    west = poly_geom([W(-4.5, -1.0), W(-4.5, 1.5), W(-5.69, 1.5), W(-5.06, -1.0)])
    z["flex"] = [west, rect_local(5.5, 6.3, 7.5, 6.8), rect_local(10.4, 18.6, 10.7, 19.4),
                 rect_local(6.7, -6.6, 6.9, -6.0)]
    bua_rects = [(-4.5, -1.5, 3.5, 2.5), RIVERSIDE, BELT, JISCO, JIADONG, JIABEI] + \
        [t["rect"] for t in TOWNS.values()]
    z["bua"] = sort_polys(rect_union_polys(grid, bua_rects))
    return z


def clip(g, boundary):
    return g.Intersection(boundary)


def redline(seed, boundary):
    rng = sub_rng(seed, "redline")
    out = []    # (name, tier, polygon)

    def add(name, tier, g):
        for p in polygons_of(clip(g, boundary)):
            if p.GetArea() > 1e4:
                out.append((name, tier, p))
    # Caohu wetland
    core = poly_geom(blob_local(CAOHU_C[0], CAOHU_C[1], 2.1, 1.05, rng, amp=0.12))
    gen = poly_geom(blob_local(CAOHU_C[0] + 0.6, CAOHU_C[1] - 0.15, 2.9, 1.75, rng, amp=0.1))
    add("Caohu wetland (core)", "core", core)
    add("Caohu wetland", "general", gen.Difference(core))
    # Heishan
    hcore = poly_geom(blob_local(-14.0, 15.6, 5.5, 1.4, rng, amp=0.1, rot_deg=-36))
    hgen = poly_geom(blob_local(-14.2, 14.6, 9.6, 5.6, rng, amp=0.08, rot_deg=-36))
    add("Heishan mountains (core)", "core", hcore)
    add("Heishan mountains", "general", hgen.Difference(hcore))
    # Taolai riparian corridor: canyon reach core, the rest general
    canyon = [p for p in RIVER if CANYON_U[0] <= p[0] <= CANYON_U[1]]
    tcore = line_local(canyon).Buffer(120.0, 8)
    tgen = line_local(RIVER).Buffer(330.0, 8)
    add("Taolai River canyon (core)", "core", tcore)
    add("Taolai River riparian corridor", "general", tgen.Difference(tcore))
    # Qilian foothills in the south-west tail
    qcore = poly_geom(blob_local(-31.0, -7.0, 3.6, 1.3, rng, amp=0.1, rot_deg=33))
    qgen = poly_geom(blob_local(-29.5, -5.5, 8.8, 4.2, rng, amp=0.08, rot_deg=33))
    add("Qilian foothills (core)", "core", qcore)
    add("Qilian foothills", "general", qgen.Difference(qcore).Difference(tgen))
    # a spring-fed meadow east of Xincheng: overlaps basic farmland and the flexible zone on purpose
    # (line conflicts for checks.line_conflicts)
    add("Xincheng spring meadow", "general", poly_geom(blob_local(10.62, 18.45, 0.32, 0.26,
                                                                 sub_rng(seed, "redline:meadow"), n=60, amp=0.1)))
    return out


def heritage_features(geo, seed):
    pu = (geo["pass_xy"][0] - GX) / 1000.0
    pv = (geo["pass_xy"][1] - GY) / 1000.0
    # fort: trapezoid, west side 200 m, east side 180 m, 176.5 m apart, scaled to 733 m round
    hw = 0.08825
    pts = [(-hw, -0.1), (hw, -0.09), (hw, 0.09), (-hw, 0.1)]
    per = sum(math.hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]) for i in range(4))
    s = 0.733 / per
    fort = [(pu + a * s, pv + b * s) for a, b in pts]
    fs_mid = ((fort[0][0] + fort[1][0]) / 2, (fort[0][1] + fort[1][1]) / 2)
    fn_mid = ((fort[2][0] + fort[3][0]) / 2, (fort[2][1] + fort[3][1]) / 2)
    south = WALL_SOUTH[:-1] + [fs_mid]
    north = [fn_mid] + WALL_NORTH[1:]
    feats = []

    def add(fid, name, kind, geom, **kw):
        a = dict(feature_id=fid, name=name, kind=kind, protection_m=50.0, control_m=500.0, height_limit_m=12.0)
        a.update(kw)
        feats.append((geom, a))
    add("GW-L01", "Ming wall, south section (First Beacon Tower to Jiayuguan Pass)", "wall", line_local(south))
    add("GW-L02", "Ming wall, north section (Jiayuguan Pass to the Overhanging Wall)", "wall", line_local(north))
    add("GW-L03", "Overhanging Wall (悬壁长城)", "wall", line_local(OVERHANGING_WALL))
    add("GW-L04", "Ming wall, Heishan section", "wall", line_local(HEISHAN_WALL))
    add("GW-F01", "Jiayuguan Pass fort (嘉峪关关城)", "fort", poly_geom([W(a, b) for a, b in fort]))
    towers = [("GW-B01", "First Beacon Tower (长城第一墩)", FIRST_BEACON),
              ("GW-B02", "Beacon tower north of the pass", (-6.15, 5.3)),
              ("GW-B03", "Beacon tower on the Heishan", HEISHAN_WALL[-1]),
              ("GW-B04", "Beacon tower east of the pass", (-2.0, 4.25)),
              ("GW-B05", "Jiabei beacon tower", (7.0, 7.3)),
              ("GW-B06", "Taolai south-bank beacon tower", (3.0, -4.05))]
    for fid, name, (u, v) in towers:
        add(fid, name, "beacon_tower", point_geom(*W(u, v)))
    add("HS-T01", "Xincheng Wei-Jin tombs (新城魏晋墓群), tomb field", "tomb", rect_local(11.1, 15.9, 11.8, 16.6))
    tx, ty = geo["tombs_xy"]
    add("HS-T02", "Wei-Jin tomb No. 6 (museum)", "tomb", point_geom(tx, ty))
    add("HS-R01", "Heishan rock art (黑山岩画), gorge panels", "rock_art",
        poly_geom(blob_local(-16.0, 8.7, 0.35, 0.2, sub_rng(seed, "rockart"), n=40, amp=0.1, rot_deg=-20)))
    rx, ry = geo["rockart_xy"]
    add("HS-R02", "Heishan rock art, main panel", "rock_art", point_geom(rx, ry))
    return feats, fort


def basic_farmland(seed, fields):
    """Basic farmland: most 2021 cropland units, plus a few (deliberate) units already occupied."""
    rng = sub_rng(seed, "farmland")
    polys = []
    selected = []
    for oname in ("Xincheng", "Wenshu", "Yuquan"):
        fl = [f for f in fields if f["oasis"] == oname]
        sel = []
        for f in fl:
            x = rng.random()
            if f["c21"] in ("0102", "0103") and f["c16"] != "2307" and x < 0.88:
                sel.append(f)
            elif f["c21"] in ("0201", "0602", "0703") and f["c16"] == "0102" and x < 0.25:
                sel.append(f)   # occupied basic farmland (a violation on the 2021 map)
        polys += [(oname, g) for g in unit_polys(sel)]
        selected += sel
    out = []
    counter = {}
    for oname, g in sorted(polys, key=lambda t: (t[0], -round(t[1].GetEnvelope()[3]), round(t[1].GetEnvelope()[0]))):
        counter[oname] = counter.get(oname, 0) + 1
        out.append((g, dict(name="%s basic farmland %02d" % (oname, counter[oname]))))
    return out, selected


def unit_polys(units, dilate=0):
    """Union of 200 x 100 m field units (local km grid) as polygons."""
    if not units:
        return []
    u0 = min(f["u0"] for f in units) - 0.2
    v1 = max(f["v1"] for f in units) + 0.2
    nu = int(round((max(f["u1"] for f in units) + 0.2 - u0) / 0.1))
    nv = int(round((v1 - min(f["v0"] for f in units) + 0.2) / 0.1))
    m = np.zeros((nv, nu), np.uint8)
    for f in units:
        c0 = int(round((f["u0"] - u0) / 0.1))
        c1 = int(round((f["u1"] - u0) / 0.1))
        r0 = int(round((v1 - f["v1"]) / 0.1))
        r1 = int(round((v1 - f["v0"]) / 0.1))
        m[r0:r1, c0:c1] = 1
    if dilate:
        m = ndimage.binary_closing(m, iterations=dilate).astype(np.uint8)
        m = ndimage.binary_fill_holes(m).astype(np.uint8)
    x0, y1 = W(u0, v1)
    ds = gdal.GetDriverByName("MEM").Create("", nu, nv, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((x0, 100.0, 0, y1, 0, -100.0))
    b = ds.GetRasterBand(1)
    b.WriteArray(m)
    vds = ogr.GetDriverByName("Memory").CreateDataSource("")
    lyr = vds.CreateLayer("p", srs=srs4542(), geom_type=ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(b, b, lyr, 0)
    out = []
    lyr.ResetReading()
    for f in lyr:
        out.append(f.GetGeometryRef().Clone())
    return out


def irrigation(fields, seed):
    districts = []
    for oname, node, method, eff in (("Xincheng", "XC", "flood", 0.55), ("Wenshu", "WS", "flood", 0.52),
                                     ("Yuquan", "YQ", "furrow", 0.65)):
        ps = unit_polys([f for f in fields if f["oasis"] == oname], dilate=2)
        g = max(ps, key=lambda p: p.GetArea())      # the oasis; stray units are left out
        districts.append((g, dict(district_id="ID-" + node, name="%s farm district" % oname,
                                  kind="farm", method=method, efficiency=eff, node=node)))
    for did, name, rect, method, eff, node in (
            ("ID-CW", "City west urban green", (-4.5, -2.2, -0.5, 2.5), "flood", 0.55, "CITY_W"),
            ("ID-CE", "City east urban green", (-0.5, -2.2, 3.5, 2.5), "sprinkler", 0.80, "CITY_E"),
            ("ID-JS", "JISCO and Jiabei green", (-3.5, 2.5, 9.0, 6.3), "flood", 0.50, "JISCO"),
            ("ID-JD", "Jiadong industrial green", (3.5, -1.5, 5.3, 2.5), "drip", 0.90, "CITY_E")):
        districts.append((rect_local(*rect), dict(district_id=did, name=name, kind="urban_green", method=method,
                                                   efficiency=eff, node=node)))
    return districts


CANAL_NODES = {"TAOLAI": (-4.6, -4.12), "J1": (-2.6, -2.6), "CITY_W": (-2.5, 0.0), "J2": (0.5, -2.15),
               "CITY_E": (2.0, 0.5), "JISCO": (2.5, 3.1), "J3": (5.6, 6.6), "XC": (9.4, 18.2),
               "CAOHU": (12.2, 18.3), "YQ": (-2.9, 6.0), "WS": (5.8, -6.0), "RW": (5.05, -1.25),
               "RES": (7.2, 13.6)}

CANALS = [  # id, from, to, via, capacity m3/yr, loss share, name
    ("CN-01", "TAOLAI", "J1", [(-3.6, -3.2)], 95e6, 0.12, "North main canal (lined)"),
    ("CN-02", "J1", "CITY_W", [(-2.6, -1.6)], 12e6, 0.10, "City west branch"),
    ("CN-03", "J1", "J2", [(-1.0, -2.2)], 75e6, 0.10, "North main canal, city reach"),
    ("CN-04", "J2", "CITY_E", [(0.5, -1.5), (2.0, -1.2)], 14e6, 0.08, "City east branch (pipe)"),
    ("CN-05", "J2", "JISCO", [(-0.6, -1.5), (-0.6, 2.6), (1.5, 3.0)], 55e6, 0.08, "JISCO industrial canal"),
    ("CN-06", "JISCO", "J3", [(5.45, 5.9)], 30e6, 0.15, "North-east trunk canal"),
    ("CN-07", "J3", "RES", [(6.6, 10.0)], 28e6, 0.25, "Xincheng canal, upper reach (earthen)"),
    ("CN-08", "RES", "XC", [(8.3, 16.0)], 26e6, 0.25, "Xincheng canal, lower reach (earthen)"),
    ("CN-09", "XC", "CAOHU", [(10.9, 18.0)], 8e6, 0.30, "Caohu wetland supply ditch"),
    ("CN-10", "J1", "YQ", [(-3.9, -1.0), (-3.9, 3.2), (-3.2, 5.0)], 9e6, 0.25, "Yuquan canal (earthen)"),
    ("CN-11", "TAOLAI", "WS", [(-2.0, -4.3), (2.0, -4.2), (4.6, -5.2)], 25e6, 0.22, "South main canal to Wenshu"),
    ("CN-12", "RW", "CITY_E", [(3.4, -1.1)], 8e6, 0.05, "Reclaimed water main (pipe)"),
    ("CN-13", "RW", "JISCO", [(5.4, 2.6), (3.6, 3.05)], 6e6, 0.05, "Reclaimed water to JISCO (pipe)"),
]

WATER_SOURCES = [  # id, kind, node, supply m3/yr, name, where (local km)
    ("WS-01", "river", "TAOLAI", 98e6, "Taolai River allocation at the canyon headworks", (-4.65, -4.1)),
    ("WS-02", "groundwater", "XC", 26e6, "Xincheng wellfield (capped)", (9.2, 18.0)),
    ("WS-03", "groundwater", "JISCO", 18e6, "Beidahe wellfield for the city and JISCO (capped)", (2.2, 3.2)),
    ("WS-04", "reclaimed", "RW", 11e6, "Reclaimed water plant (Jiadong)", (5.05, -1.25)),
]


# ----------------------------------------------------------------------------------------------
# Proposals and the compliance rules they are designed against (docs/DATA.md)

ALLOWED_IN_REDLINE = ("linear_infrastructure", "ecological_restoration", "research", "tourism_low_impact",
                      "heritage_work", "residents_existing", "defence")
URBAN = {c[0] for c in CLASSES if c[4]}
EPS_AREA = 1e-3   # m2


def worst(states):
    for s in ("fail", "needs_approval"):
        if s in states:
            return s
    return "pass"


def evaluate_proposal(g, use, height, activity, ctx):
    res = {}
    # development boundary
    if use in URBAN:
        outside = g.Difference(ctx["devzone_all"]).GetArea()
        in_flex = g.Intersection(ctx["flex_union"]).GetArea()
        res["dev_boundary"] = "fail" if outside > EPS_AREA else ("needs_approval" if in_flex > EPS_AREA else "pass")
    else:
        res["dev_boundary"] = "pass"
    # ecological red line
    st = []
    for name, tier, p in ctx["redline"]:
        if g.Intersection(p).GetArea() > EPS_AREA:
            if tier == "core":
                st.append("fail")
            else:
                st.append("needs_approval" if activity in ALLOWED_IN_REDLINE else "fail")
    res["redline"] = worst(st)
    # basic farmland
    if g.Intersection(ctx["farm_union"]).GetArea() > EPS_AREA:
        res["farmland"] = "pass" if use.startswith("01") else "fail"
    else:
        res["farmland"] = "pass"
    # Great Wall and other heritage
    st = []
    margins = []
    for hg, a in ctx["heritage"]:
        if a["kind"] == "wall" and g.Intersects(hg):
            st.append("fail")
            continue
        d = g.Distance(hg)
        p_m, c_m = a["protection_m"], a["protection_m"] + a["control_m"]
        margins += [abs(d - p_m), abs(d - c_m)]
        if d <= p_m:
            st.append("fail")
        elif d <= c_m:
            st.append("fail" if height > a["height_limit_m"] else "needs_approval")
    res["great_wall"] = worst(st)
    res["_min_margin_m"] = min(margins) if margins else 1e9
    return res


def offset_rect(line, seg, t, d_near, depth, length, side=1):
    """Rectangle beside a polyline segment (local km): near edge d_near km from it, on the right (side=1)."""
    (a0, b0), (a1, b1) = line[seg], line[seg + 1]
    du, dv = a1 - a0, b1 - b0
    L = math.hypot(du, dv)
    eu, ev = du / L, dv / L
    nu_, nv_ = ev * side, -eu * side
    pu, pv = a0 + t * du, b0 + t * dv
    h = length / 2
    pts = [(pu - eu * h + nu_ * d_near, pv - ev * h + nv_ * d_near),
           (pu + eu * h + nu_ * d_near, pv + ev * h + nv_ * d_near),
           (pu + eu * h + nu_ * (d_near + depth), pv + ev * h + nv_ * (d_near + depth)),
           (pu - eu * h + nu_ * (d_near + depth), pv - ev * h + nv_ * (d_near + depth))]
    return poly_geom([W(u, v) for u, v in pts])


def unit_rect(f, inset=0.02):
    return rect_local(round(f["u0"] + inset, 3), round(f["v0"] + inset, 3), round(f["u1"] - inset, 3),
                      round(f["v1"] - inset, 3))


def design_proposals(farm_units):
    """(name, use, height, activity, geometry, intended {rule: status})"""
    P = []

    def add(name, use, h, act, g, dev, red, farm, wall):
        P.append(dict(name=name, use=use, height=float(h), activity=act, geom=g,
                      intended=dict(dev_boundary=dev, redline=red, farmland=farm, great_wall=wall)))
    ok, na, fail = "pass", "needs_approval", "fail"
    add("West district housing estate", "0701", 45, "construction", rect_local(-4.3, 0.0, -4.05, 0.3), ok, ok, ok, ok)
    add("Pass gateway guesthouse", "0901", 9, "construction", offset_rect(WALL_SOUTH, 3, 0.6, 0.32, 0.12, 0.15), na, ok, ok, na)
    add("West district apartments, 18 m", "0701", 18, "construction", offset_rect(WALL_SOUTH, 3, 0.3, 0.40, 0.10, 0.15), na, ok, ok, fail)
    add("West district apartments at the height limit", "0701", 12.0, "construction", offset_rect(WALL_SOUTH, 3, 0.85, 0.45, 0.08, 0.12), na, ok, ok, na)
    add("Hotel slightly above the limit", "0901", 12.5, "construction", offset_rect(WALL_SOUTH, 4, 0.2, 0.30, 0.10, 0.12), na, ok, ok, fail)
    add("Souvenir kiosk at the wall", "0901", 6, "construction", offset_rect(WALL_SOUTH, 2, 0.5, 0.03, 0.04, 0.06), fail, ok, ok, fail)
    add("Road through the north wall", "1202", 0, "linear_infrastructure", offset_rect(WALL_NORTH, 1, 0.4, -0.3, 0.6, 0.03), ok, ok, ok, fail)
    add("Coach park beside the fort", "1208", 0, "construction", None, ok, ok, ok, fail)
    add("Jiabei warehouse near the beacon tower", "1101", 10, "construction", rect_local(6.9, 6.6, 7.1, 6.78), na, ok, ok, na)
    add("Animal shed near the Wei-Jin tombs", "0603", 5, "construction", rect_local(11.95, 16.0, 12.1, 16.15), ok, ok, ok, na)
    add("Quarry plant in the Heishan", "1001", 20, "construction", rect_local(-12.5, 12.0, -12.2, 12.3), fail, fail, ok, ok)
    add("Wetland resort hotel", "0901", 15, "construction", rect_local(13.8, 16.85, 14.0, 17.0), fail, fail, ok, ok)
    add("Caohu reed-bed restoration", "0503", 0, "ecological_restoration", rect_local(13.6, 18.4, 13.9, 18.7), ok, fail, ok, ok)
    add("Heishan ridge research station", "0403", 4, "research", rect_local(-14.1, 15.5, -13.9, 15.7), ok, fail, ok, ok)
    add("Wenshu road bridge over the Taolai", "1202", 0, "linear_infrastructure", rect_local(1.985, -3.6, 2.015, -2.45), ok, na, ok, ok)
    add("Heishan slope revegetation", "0303", 0, "ecological_restoration", rect_local(-10.5, 12.0, -10.0, 12.3), ok, na, ok, ok)
    add("Caohu boardwalk", "0403", 0, "tourism_low_impact", rect_local(15.6, 17.3, 15.9, 17.36), ok, na, ok, ok)
    add("Qilian foothill power line", "1202", 0, "linear_infrastructure", rect_local(-31.5, -7.02, -30.5, -6.98), ok, fail, ok, ok)
    add("Rock art conservation works", "0403", 0, "heritage_work", rect_local(-15.45, 8.6, -15.35, 8.8), ok, na, ok, na)
    add("Herders' homestead repair", "0703", 5, "residents_existing", rect_local(-27.0, -3.5, -26.9, -3.4), ok, na, ok, ok)
    add("Gobi factory east of Jiabei", "1001", 18, "construction", rect_local(9.5, 4.0, 9.9, 4.4), fail, ok, ok, ok)
    add("Logistics yard across the Jiabei edge", "1101", 10, "construction", rect_local(8.85, 3.2, 9.2, 3.45), fail, ok, ok, ok)
    add("Gobi farmland reclamation", "0102", 0, "farming", rect_local(-1.0, 9.0, -0.6, 9.3), ok, ok, ok, ok)
    add("Yuquan town office", "0801", 9, "construction", rect_local(-3.6, 6.0, -3.45, 6.15), ok, ok, ok, ok)
    add("Riverside park extension", "1401", 0, "construction", rect_local(-2.3, -1.95, -2.0, -1.6), ok, ok, ok, ok)
    add("Gobi shelter belt (protective green)", "1402", 0, "construction", rect_local(0.0, 7.0, 0.5, 7.2), fail, ok, ok, ok)
    add("Substation north of Yuquan", "1303", 10, "construction", rect_local(-1.0, 10.0, -0.8, 10.15), fail, ok, ok, ok)
    add("Airport link road", "1202", 0, "linear_infrastructure", rect_local(6.2, 10.0, 8.0, 10.03), ok, ok, ok, ok)
    add("Jiadong rolling mill", "1001", 25, "construction", rect_local(3.97, 1.53, 4.38, 1.97), ok, ok, ok, ok)
    add("City centre commercial tower", "0901", 80, "construction", rect_local(-1.45, 0.55, -1.1, 0.95), ok, ok, ok, ok)
    add("Hotel in the Caohu core", "0901", 10, "construction", rect_local(13.2, 18.5, 13.35, 18.6), fail, fail, ok, ok)
    add("Housing across the west flexible edge", "0701", 24, "construction", rect_local(-4.6, 1.0, -4.4, 1.2), na, ok, ok, ok)
    # basic farmland cases, placed on selected field units
    ws = [f for f in farm_units if f["oasis"] == "Wenshu" and f["c21"] == "0102"]
    xc = [f for f in farm_units if f["oasis"] == "Xincheng" and f["c21"] == "0102"]
    ws.sort(key=lambda f: (f["v0"], f["u0"]))
    xc.sort(key=lambda f: (f["v0"], f["u0"]))
    add("Wheat on basic farmland", "0102", 0, "farming", unit_rect(ws[len(ws) // 3]), ok, ok, ok, ok)
    add("Houses on basic farmland", "0701", 9, "construction", unit_rect(xc[len(xc) // 4]), fail, ok, fail, ok)
    add("Orchard on basic farmland", "0201", 0, "farming", unit_rect(xc[len(xc) // 2]), ok, ok, fail, ok)
    f = ws[2 * len(ws) // 3]
    add("Village road across basic farmland", "1202", 0, "linear_infrastructure",
        rect_local(round(f["u0"] - 0.3, 3), round(f["v0"] + 0.04, 3), round(f["u1"] + 0.3, 3), round(f["v0"] + 0.06, 3)),
        ok, ok, fail, ok)
    add("Greenhouse on basic farmland", "0602", 4, "construction", unit_rect(ws[len(ws) // 2]), ok, ok, fail, ok)
    add("Wenshu flexible-zone housing on farmland", "0701", 9, "construction", rect_local(6.72, -6.55, 6.88, -6.05), na, ok, fail, ok)
    return P


# ----------------------------------------------------------------------------------------------
# Population, DEM, indicators


def population(grid, lu21, amask, seed):
    """Persons per cell: the urban share on 0701 inside the built-up area, the rest on 0703."""
    urban_total = round(POPULATION_TOTAL * URBAN_SHARE)
    rural_total = POPULATION_TOTAL - urban_total
    pop = np.zeros(lu21.shape, np.float32)
    rng = sub_rng(seed, "population")
    # 250 m tiles of density variation (compresses well, looks like estates of different density)
    tile = max(1, int(round(250.0 / grid.cs)))
    tr, tc = grid.rows // tile + 1, grid.cols // tile + 1
    tiles = rng.uniform(0.6, 1.4, size=(tr, tc)).astype(np.float32)
    xs = ((grid.xc() - GX) / 1000.0).astype(np.float32)
    ys = ((grid.yc() - GY) / 1000.0).astype(np.float32)
    for code, mask, total in (("0701", amask, urban_total), ("0703", None, rural_total)):
        sel = lu21 == cv(code)
        if mask is not None:
            sel &= mask
        r, c = np.nonzero(sel)
        if code == "0701":
            dist = np.hypot(xs[c], ys[r])
            w = (1.0 + 2.0 * np.exp(-dist / 2.5)) * tiles[r // tile, c // tile]
        else:
            w = tiles[r // tile, c // tile].astype(np.float64)
        w = w.astype(np.float64)
        vals = np.round(w / w.sum() * total, 2).astype(np.float32)
        resid = total - float(vals.astype(np.float64).sum())
        vals[int(np.argmax(vals))] += np.float32(resid)
        pop[r, c] = vals
    return pop, urban_total, rural_total


def dem(D, grid, bmask, d_river, nu):
    u, v = D.u, D.v
    # regional slope: about 2,100 m at the south-west tail to 1,400 m at the north-east corner
    s = ((u + 37.0) * 0.894 + (v + 6.6) * 0.449) / 61.5
    z = 2100.0 - 700.0 * s
    # Heishan: ridge along HEISHAN_RIDGE, higher to the north-west
    dh = D.dist_km([HEISHAN_RIDGE])
    amp = 220.0 + 450.0 * np.clip((-6.4 - u - 0.3 * (v - 11.0)) / 9.0, 0.0, 1.0)
    rough = 0.5 * D.noise("dem_rough1", 1.6) + 0.3 * D.noise("dem_rough2", 0.6) + 0.2 * D.noise("dem_rough3", 0.25)
    z = z + amp * np.exp(-(dh / 3.0) ** 2) * (1.0 + 0.3 * rough)
    # the spur climbed by the Overhanging Wall (about 150 m over its length)
    z = z + 170.0 * np.exp(-((u - OVERHANGING_WALL[-1][0]) ** 2 + (v - OVERHANGING_WALL[-1][1]) ** 2) / 0.6 ** 2)
    # Qilian foothills and the Wenshu hills
    z = z + 80.0 * np.clip((-20.0 - u) / 12.0, 0.0, 1.0) * (1.0 + 0.4 * rough)
    z = z + 140.0 * np.clip((-7.0 - v) / 5.0, 0.0, 1.0) * ((u > -2.0) & (u < 11.0))
    # Taolai: a 60 m canyon below the pass, a shallow valley elsewhere
    canyon = np.clip(1.0 - np.abs(nu - (CANYON_U[0] + CANYON_U[1]) / 2) / 3.6, 0.0, 1.0)
    z = z - (8.0 + 55.0 * canyon) * np.exp(-(d_river / (0.09 + 0.06 * canyon)) ** 2) \
        - 12.0 * np.exp(-(d_river / 0.9) ** 2)
    # gentle undulation of the Gobi
    z = z + 6.0 * D.noise("dem_gobi", 3.0) + 1.5 * D.noise("dem_fine", 0.3)
    f = int(round(DESIGN_CELL / grid.cs))
    if f > 1:
        z = ndimage.zoom(z.astype(np.float32), f, order=1)[: grid.rows, : grid.cols]
    z = np.round(z).astype(np.float32)
    z[~bmask] = -9999.0
    return z


def lut(key_index):
    t = np.zeros(2400, np.float64)
    for c in CLASSES:
        t[cv(c[0])] = c[key_index]
    return t


def indicators(lu, amask, pop, cell_area):
    counts = np.bincount(lu[amask].ravel(), minlength=2400).astype(np.float64)
    n = counts.sum()
    green = (counts * lut(7)).sum() / n
    cover = (counts * lut(6)).sum() / n
    park_m2 = counts[1401] * cell_area
    pop_a = float(pop[amask].astype(np.float64).sum())
    return dict(built_up_area_km2=n * cell_area / 1e6, green_space_rate_pct=100.0 * green,
                green_cover_rate_pct=100.0 * cover, park_green_m2_per_person=park_m2 / pop_a,
                population_in_built_up_area=pop_a), counts


def set_class_value(code, index, value):
    for k, c in enumerate(CLASSES):
        if c[0] == code:
            row = list(c)
            row[index] = value
            CLASSES[k] = tuple(row)


# ----------------------------------------------------------------------------------------------
# Large (benchmark) additions


def large_parcels(grid, lu21, seed, n_min=100000):
    """Tile the built-up rectangles into ~25 m lots with random records; status from the rule."""
    rng = sub_rng(seed, "large_parcels")
    rects = [(-4.5, -1.5, 3.5, 2.5), RIVERSIDE, BELT, JISCO, JIADONG, JIABEI] + [t["rect"] for t in TOWNS.values()]
    tpls = ["done_old", "done_new", "done_new", "done_new", "recent", "idle1", "idle2", "gov", "susp1", "susp2",
            "susp_invest", "suspect", "low_not_susp"]
    bare = np.isin(lu21, [cv(c) for c in BARE_CODES]).astype(np.int32)
    integ = np.zeros((bare.shape[0] + 1, bare.shape[1] + 1), np.int64)
    integ[1:, 1:] = bare.cumsum(0).cumsum(1)
    out = []
    step = 0.025
    k = 0
    while len(out) < n_min:
        for (u0, v0, u1, v1) in rects:
            nu_ = int(round((u1 - u0) / step))
            nv_ = int(round((v1 - v0) / step))
            for j in range(nv_):
                for i in range(nu_):
                    a, b = round(u0 + i * step, 3), round(v0 + j * step, 3)
                    c, d = round(a + step, 3), round(b + step, 3)
                    tpl = tpls[int(rng.integers(0, len(tpls)))]
                    r, paint, _ = make_record(tpl, rng)
                    x0, y0 = W(a, b)
                    x1, y1 = W(c, d)
                    rs, cs_ = grid.window(x0, y0, x1, y1)
                    tot = (rs.stop - rs.start) * (cs_.stop - cs_.start)
                    nb = integ[rs.stop, cs_.stop] - integ[rs.start, cs_.stop] - integ[rs.stop, cs_.start] + integ[rs.start, cs_.start]
                    share = nb / tot if tot else 0.0
                    r.update(u0=a, v0=b, u1=c, v1=d, use_code=["0701", "0901", "1001", "1101"][int(rng.integers(0, 4))],
                             land_price_yuan=float(round(625.0 * float(rng.uniform(200, 2600)), -2)))
                    r["design_status"] = idle_status(r, share)
                    r["parcel_id"] = "LS-L%07d" % (k + 1)
                    k += 1
                    out.append(r)
        step = step * 0.8 if len(out) < n_min else step
        if len(out) < n_min:
            out = []
            k = 0
    return out


def large_redline(seed, boundary, existing, n=520):
    """Many red-line polygons with holes and thousands of vertices, on the Gobi away from the city and
    from the default red line."""
    rng = sub_rng(seed, "large_redline")
    out = []
    cols, rows = 51, 38
    taken = union_geoms([g for _, _, g in existing])
    k = 0
    for j in range(rows):
        for i in range(cols):
            if len(out) >= n:
                break
            cu = -36.0 + (i + 0.5) * (56.0 / cols)
            cvv = -12.5 + (j + 0.5) * (34.5 / rows)
            if -6.0 < cu < 11.5 and -8.0 < cvv < 8.0:
                continue
            # outer radius >= 0.85 x (0.4, 0.3) km; holes within 0.15 km of the centre, <= 0.072 km in
            # radius, 120 degrees apart: rings never touch, and neighbours (1.10 x 0.91 km apart) neither
            outer = blob_local(cu, cvv, 0.4, 0.3, rng, n=int(rng.integers(2000, 4000)), amp=0.12, harmonics=12,
                               rmin=0.85, rmax=1.3)
            holes = []
            a0 = rng.uniform(0, 2 * np.pi)
            for h in range(int(rng.integers(1, 4))):
                a = a0 + 2 * np.pi * h / 3
                holes.append(list(reversed(blob_local(cu + 0.15 * math.cos(a), cvv + 0.1 * math.sin(a), 0.055, 0.04,
                                                      rng, n=int(rng.integers(200, 400)), amp=0.05, rmin=0.8,
                                                      rmax=1.3))))
            g = poly_geom(outer, holes)
            if not g.Within(boundary) or g.Intersects(taken):
                continue
            k += 1
            out.append(("Synthetic ecological patch %03d" % k, "core" if rng.random() < 0.3 else "general", g))
    if len(out) < n:
        raise SystemExit("large red line: only %d polygons fit" % len(out))
    return out


# ----------------------------------------------------------------------------------------------
# Writing


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_study_yaml(path, grid, layers_yaml, title, description):
    L = []
    L.append("# Generated by tools/generate_study.py: do not edit by hand; rerun the generator.")
    L.append("name: jiayuguan")
    L.append("title: %s" % yaml_str(title))
    L.append("synthetic: true")
    L.append("description: %s" % yaml_str(description))
    L.append("crs: EPSG:%d" % EPSG)
    L.append("grid:")
    L.append("  origin_x: %d" % ORIGIN_X)
    L.append("  origin_y: %d" % ORIGIN_Y)
    L.append("  cell_size_m: %s" % (("%d" % grid.cs) if grid.cs == int(grid.cs) else repr(grid.cs)))
    L.append("  cols: %d" % grid.cols)
    L.append("  rows: %d" % grid.rows)
    L.append("invalid_geometry: stop")
    L.append("population_total: %d" % POPULATION_TOTAL)
    L.append("classes:")
    for c in CLASSES:
        L.append('  - {code: "%s", name: %s, colour: "%s", group: %s, urban_construction: %s, residential: %s, '
                 'canopy: %s, attached_green: %s, water_use: %s}'
                 % (c[0], yaml_str(c[1]), c[2], c[3], "true" if c[4] else "false", "true" if c[5] else "false",
                    fmt(c[6]), fmt(c[7]), c[8]))
    L.append("layers:")
    L += layers_yaml
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(L) + "\n")


def fmt(x):
    s = ("%.4f" % x).rstrip("0").rstrip(".")
    return s if "." in s else s + ".0"


def polygonize_landuse(grid, lu):
    ds = gdal.GetDriverByName("MEM").Create("", grid.cols, grid.rows, 1, gdal.GDT_UInt16)
    ds.SetGeoTransform(grid.gt)
    b = ds.GetRasterBand(1)
    b.WriteArray(lu)
    mds = gdal.GetDriverByName("MEM").Create("", grid.cols, grid.rows, 1, gdal.GDT_Byte)
    mds.SetGeoTransform(grid.gt)
    mb = mds.GetRasterBand(1)
    mb.WriteArray((lu != 0).astype(np.uint8))
    vds = ogr.GetDriverByName("Memory").CreateDataSource("")
    lyr = vds.CreateLayer("p", srs=srs4542(), geom_type=ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(b, mb, lyr, 0)
    feats = []
    lyr.ResetReading()
    for f in lyr:
        feats.append((f.GetGeometryRef().Clone(), {"code": "%04d" % f.GetField(0)}))
    return feats


def write_readme(path, grid, cal, counts):
    ind = cal["indicators_2021"]
    dz = cal["development_boundary"]
    L = []
    A = L.append
    A("# Jiayuguan study area (synthetic)")
    A("")
    A("Generated by `tools/generate_study.py` (seed %d): do not edit, rerun the generator. Same seed, same"
      % cal["seed"])
    A("bytes; `tools/generate_study_test.py` checks that, and recomputes the 2021 indicators from these files.")
    A("")
    A("## What is real and what is synthetic")
    A("")
    A("**Real:** the municipal boundary (`source/jiayuguan_boundary.geojson`, reprojected to EPSG:4542 in")
    A("`boundary.gpkg`, %.1f km²) and the reference points of DOMAIN.md §1 (Jiayuguan Pass tower 98.2148 E"
      % cal["boundary_area_km2"])
    A("39.8011 N, municipal government 98.2882 E 39.7732 N; the airport, Caohu wetland, Wei-Jin tombs and")
    A("Heishan rock art are approximate points), the population total (312,663, 2020 census), the urbanisation")
    A("rate (94.4 %), the Caohu wetland areas (wetland 796.88 ha, open water 125 ha, park 1,379 ha) and the")
    A("city's 2021 green indicators, which the synthetic 2021 map is calibrated to.")
    A("")
    A("**Synthetic (not survey data):** everything else: land use 2016 and 2021, the built-up area, the")
    A("development boundary, the ecological red line, basic farmland, the Great Wall geometry, the land-supply")
    A("records, the proposals, roads, irrigation districts, canals, water sources, the population grid and the")
    A("DEM. Town seats, the steelworks, the industrial parks, the river course and the wall are placed to look")
    A("and measure like Jiayuguan, not surveyed. Do not use these files for real planning decisions.")
    A("")
    A("**Attribution.** " + BOUNDARY_ATTRIBUTION + ". The attribution is also in the `source` field and the")
    A("layer description of `boundary.gpkg`.")
    A("")
    A("## Files (EPSG:4542, grid origin (%d, %d), %g m cells, %d × %d)" % (ORIGIN_X, ORIGIN_Y, grid.cs, grid.cols, grid.rows))
    A("")
    A("| file | role | holds |")
    A("| --- | --- | --- |")
    for row in counts:
        A("| %s | %s | %s |" % row)
    A("")
    A("## 2021 calibration (definitions of docs/STUDY_FORMAT.md)")
    A("")
    A("| indicator | generated | city 2021 |")
    A("| --- | --- | --- |")
    A("| built-up area (cells whose centre is in `built_up_area`) | %.2f km² | 60–80 km² [E] |" % ind["built_up_area_km2"])
    A("| green-space rate | %.2f %% | 39.5 %% |" % ind["green_space_rate_pct"])
    A("| green-cover rate | %.2f %% | 40.7 %% |" % ind["green_cover_rate_pct"])
    A("| park green per person | %.2f m² | 29.2 m² |" % ind["park_green_m2_per_person"])
    A("| population inside the built-up area | %.0f | 94.4 %% of 312,663 |" % ind["population_in_built_up_area"])
    A("")
    A("The built-up area (建成区) is the main city with the riverside park, the protective belt, the JISCO")
    A("steelworks, the Jiadong and Jiabei industrial parks and the three town seats. Class fractions of a")
    A("cell (all **[E]** estimates; `0701` is solved by the generator so that the two rates hit the targets):")
    A("")
    A("| code | class | canopy | attached green | urban construction |")
    A("| --- | --- | --- | --- | --- |")
    for c in CLASSES:
        if c[6] or c[7] or c[4]:
            A("| %s | %s | %s | %s | %s |" % (c[0], c[1], fmt(c[6]), fmt(c[7]), "yes" if c[4] else "no"))
    A("")
    A("All other classes have canopy and attached green as in `study.yaml` (0 for cropland, water and bare")
    A("land). Development boundary: concentrated %.2f km², flexible %.2f km² (%.1f %% of concentrated), whole"
      % (dz["concentrated_km2"], dz["flexible_km2"], 100 * dz["flexible_share_of_concentrated"]))
    A("%.3f × the 2021 urban construction land (%.2f km²). Land-use change 2016→2021: %.0f ha."
      % (dz["whole_over_urban_construction_2021"], dz["urban_construction_2021_km2"], cal["change_2016_2021_ha"]))
    A("Class areas and the full numbers are in `calibration.json`.")
    A("")
    A("## Heritage [E]")
    A("")
    A("The Ming wall lines, the fort (a 733 m trapezoid centred on the real pass-tower point), beacon towers,")
    A("the Wei-Jin tomb field and the Heishan rock art are drawn, not surveyed. Every feature carries the")
    A("default widths of DOMAIN.md §2, all **[E]**: protection 50 m, construction control a further 500 m,")
    A("height limit 12 m in the control zone.")
    A("")
    A("## Regenerate")
    A("")
    A("```")
    A("/usr/bin/python3 tools/generate_study.py                 # this folder")
    A("/usr/bin/python3 tools/generate_study.py --size large --out data/generated/jiayuguan_large")
    A("/usr/bin/python3 tools/generate_study_test.py            # byte-identical + indicators")
    A("```")
    A("")
    A("Rules, geography and the design of the land-supply and proposal cases: `docs/DATA.md`.")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(L) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: data/jiayuguan)")
    ap.add_argument("--seed", type=int, default=20211231, help="random seed (default 20211231)")
    ap.add_argument("--size", choices=("default", "large"), default="default",
                    help="large adds >=100,000 land-supply parcels and >=500 red-line polygons")
    ap.add_argument("--cell-size", type=float, default=10.0, choices=(5.0, 10.0, 20.0),
                    help="grid cell size in metres (default 10; the committed study uses 10)")
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    if (args.size != "default" or args.cell_size != 10.0) and out == os.path.abspath(DEFAULT_OUT):
        ap.error("large or non-default grids are generated on demand: pass --out (e.g. data/generated/...)")
    gdal.SetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    gdal.SetConfigOption("CREATE_METADATA_TABLES", "NO")
    os.makedirs(out, exist_ok=True)
    seed = args.seed
    grid = Grid(args.cell_size)
    cell_area = grid.cs * grid.cs

    # boundary (real), reprojected
    src = ogr.Open(SOURCE_BOUNDARY)
    sl = src.GetLayer(0)
    sf = sl.GetNextFeature()
    boundary = sf.GetGeometryRef().Clone()
    s4326 = osr.SpatialReference()
    s4326.ImportFromEPSG(4326)
    s4326.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    boundary.Transform(osr.CoordinateTransformation(s4326, srs4542()))
    bprops = {k: sf.GetField(k) for k in ("name", "name_en", "adcode")}
    src = None
    full = (slice(0, grid.rows), slice(0, grid.cols))
    bmask = rasterize(grid, [boundary], window=full)[2].astype(bool)
    gD = Grid(DESIGN_CELL)
    bmaskD = rasterize(gD, [boundary], window=(slice(0, gD.rows), slice(0, gD.cols)))[2].astype(bool)
    geo = build_geography()
    log("boundary: %.2f km2" % (boundary.GetArea() / 1e6))

    # land use
    D = Design(seed)
    luD, d_river, nu = paint_natural(D, bmaskD)
    fields, villages = paint_oases(D, luD, seed)
    f = int(round(DESIGN_CELL / grid.cs))
    lu16 = np.repeat(np.repeat(luD[2016], f, 0), f, 1)[: grid.rows, : grid.cols].copy()
    lu21 = np.repeat(np.repeat(luD[2021], f, 0), f, 1)[: grid.rows, : grid.cols].copy()
    P = Painter(grid, lu16, lu21)
    N, road_feats = road_features(seed)
    paint_roads(P, road_feats)
    paint_misc(P, seed)
    blocks = paint_city(P, seed)
    paint_jisco(P)
    jd, jb = paint_parks_industry(P, seed)
    towns = {n: paint_town(P, n, seed) for n in TOWNS}
    parcels = design_parcels(seed, blocks, jd, jb, towns)
    paint_parcels(P, parcels)
    paint_rail(P)
    lu16[~bmask] = 0
    lu21[~bmask] = 0
    log("land use painted")

    Z = zones(grid)
    amask = rasterize(grid, Z["bua"], window=full)[2].astype(bool)
    cmask = rasterize(grid, Z["conc"], window=full)[2].astype(bool)
    stray = int((np.isin(lu21, [cv(c) for c in CODES if c in {k[0] for k in CLASSES if k[4]}]) & ~cmask).sum())
    if stray:
        raise SystemExit("%d urban construction cells of 2021 lie outside the concentrated zone" % stray)
    del cmask

    # parks: the riverside park grows (north first) until park green per person is met
    urban_pop = round(POPULATION_TOTAL * URBAN_SHARE)
    need = int(round(TARGETS["park_green_m2_per_person"] * urban_pop / cell_area))
    have = int(((lu21 == 1401) & amask).sum())
    x0, y0 = W(RIVERSIDE[0], RIVERSIDE[1])
    x1, y1 = W(RIVERSIDE[2], RIVERSIDE[3])
    rs, cs_ = grid.window(x0, y0, x1, y1)
    win = lu21[rs, cs_]
    cand = np.flatnonzero(((win == 1402) & amask[rs, cs_]).ravel())
    k = need - have
    if k < 0 or k > cand.size:
        raise SystemExit("park calibration impossible: need %d more park cells, %d candidates" % (k, cand.size))
    flat = win.ravel()
    flat[cand[:k]] = 1401
    lu21[rs, cs_] = flat.reshape(win.shape)
    log("riverside park: %d cells added (%.1f ha)" % (k, k * cell_area / 1e4))

    # population
    pop, urban_total, rural_total = population(grid, lu21, amask, seed)
    if int(((lu21 == 703) & amask).sum()) or int(((lu21 == 701) & ~amask).sum()):
        raise SystemExit("residential cells on the wrong side of the built-up area")

    # calibration of the residential green fractions
    counts = np.bincount(lu21[amask].ravel(), minlength=2400).astype(np.float64)
    n_all = counts.sum()
    n_res = counts[701]
    log("built-up area %.2f km2; class shares: %s" % (n_all * cell_area / 1e6, ", ".join(
        "%04d %.1f%%" % (c, 100 * counts[c] / n_all) for c in np.flatnonzero(counts))))
    for idx, key, lo, hi in ((7, "green_space_rate_pct", 0.25, 0.48), (6, "green_cover_rate_pct", 0.25, 0.55)):
        t = lut(idx)
        t[701] = 0.0
        other = (counts * t).sum()
        val = round((TARGETS[key] / 100.0 * n_all - other) / n_res, 3)
        if not lo <= val <= hi:
            raise SystemExit("calibration: residential %s would be %.3f, outside [%g, %g]" % (key, val, lo, hi))
        set_class_value("0701", idx, val)
    ind21, counts21 = indicators(lu21, amask, pop, cell_area)
    ind16, counts16 = indicators(lu16, amask, pop, cell_area)
    for k_, v_ in TARGETS.items():
        log("2021 %s = %.3f (target %.1f)" % (k_, ind21[k_], v_))

    # land supply statuses (records + the 2021 map)
    for p in parcels:
        x0, y0 = W(p["u0"], p["v0"])
        x1, y1 = W(p["u1"], p["v1"])
        rs, cs_ = grid.window(x0, y0, x1, y1)
        w_ = lu21[rs, cs_]
        share = float(np.isin(w_, [cv(c) for c in BARE_CODES]).mean())
        p["bare_share"] = share
        p["design_status"] = idle_status(p, share)
        if p["design_status"] != p["intended"]:
            raise SystemExit("parcel %s (%s): rule gives %s, intended %s" % (p["parcel_id"], p["template"],
                                                                             p["design_status"], p["intended"]))

    # vector layers
    rl = redline(seed, boundary)
    her, fort = heritage_features(geo, seed)
    farm, farm_units = basic_farmland(seed, fields)
    fe = max(a for a, _ in fort)
    pv_ = sum(b for _, b in fort) / 4
    props = design_proposals(farm_units)
    for pr in props:
        if pr["geom"] is None:
            pr["geom"] = rect_local(round(fe + 0.03, 4), round(pv_ - 0.04, 4), round(fe + 0.11, 4), round(pv_ + 0.04, 4))
    ctx = dict(devzone_all=union_geoms(Z["conc"] + Z["flex"]), flex_union=union_geoms(Z["flex"]),
               redline=rl, farm_union=union_geoms([g for g, _ in farm]), heritage=her)
    bad = []
    for n, pr in enumerate(props):
        pr["project_id"] = "PJ-%02d" % (n + 1)
        res = evaluate_proposal(pr["geom"], pr["use"], pr["height"], pr["activity"], ctx)
        pr["result"] = res
        for rule in ("dev_boundary", "redline", "farmland", "great_wall"):
            if res[rule] != pr["intended"][rule]:
                bad.append("%s %s: %s is %s, intended %s" % (pr["project_id"], pr["name"], rule, res[rule],
                                                           pr["intended"][rule]))
        if res["_min_margin_m"] < 5.0:
            bad.append("%s %s: within 5 m of a heritage threshold" % (pr["project_id"], pr["name"]))
    if bad:
        raise SystemExit("proposal design mismatch:\n  " + "\n  ".join(bad))

    if args.size == "large":
        rl_out = rl + large_redline(seed, boundary, rl)
        lp = large_parcels(grid, lu21, seed)
    else:
        rl_out = rl
        lp = []

    # ---- write rasters
    write_class_raster(os.path.join(out, "landuse_2016.tif"), grid, lu16)
    write_class_raster(os.path.join(out, "landuse_2021.tif"), grid, lu21)
    write_float_raster(os.path.join(out, "population.tif"), grid, pop)
    z = dem(D, grid, bmask, d_river, nu)
    write_float_raster(os.path.join(out, "dem.tif"), grid, z, nodata=-9999.0, predictor=2)
    del z
    log("rasters written")

    # ---- write vectors
    P_ = ogr.wkbPolygon
    write_gpkg(os.path.join(out, "boundary.gpkg"), [(
        "boundary", ogr.wkbMultiPolygon, [("name", str), ("name_en", str), ("adcode", str), ("source", str)],
        [(ogr.ForceToMultiPolygon(boundary.Clone()), dict(bprops, source=BOUNDARY_ATTRIBUTION))],
        "Real municipal boundary. " + BOUNDARY_ATTRIBUTION)])
    n_lu = {}
    for year, lu in ((2016, lu16), (2021, lu21)):
        feats = polygonize_landuse(grid, lu)
        n_lu[year] = len(feats)
        write_gpkg(os.path.join(out, "landuse_%d.gpkg" % year), [(
            "landuse_%d" % year, P_, [("code", str)], feats,
            "Synthetic land use %d (2023 classification codes); equals landuse_%d.tif" % (year, year))])
        log("landuse_%d.gpkg: %d polygons" % (year, len(feats)))
    write_gpkg(os.path.join(out, "built_up_area.gpkg"), [(
        "built_up_area", P_, [("name", str)],
        [(g, dict(name="Built-up area part %d" % (i + 1))) for i, g in enumerate(Z["bua"])],
        "Synthetic built-up area (建成区) of 2021, denominator of the green indicators")])
    gx, gy = geo["gov_xy"]
    cen = [(point_geom(gx, gy), dict(name="Jiayuguan city centre (municipal government)", kind="city"))]
    for name in sorted(TOWNS):
        cu, cvv = TOWNS[name]["centre"]
        cen.append((point_geom(*W(cu, cvv)), dict(name="%s town" % name, kind="town")))
    write_gpkg(os.path.join(out, "centres.gpkg"), [("centres", ogr.wkbPoint, [("name", str), ("kind", str)], cen,
                                                    "City centre (real point) and town seats (placed)")])
    dz = [(g, dict(zone="concentrated", name="Concentrated construction zone %d" % (i + 1))) for i, g in enumerate(Z["conc"])]
    dz += [(g, dict(zone="flexible", name=n)) for g, n in zip(Z["flex"], ["West flexible zone (near the pass)",
                                                                         "Jiabei north flexible zone",
                                                                         "Xincheng east flexible zone",
                                                                         "Wenshu east flexible zone"])]
    write_gpkg(os.path.join(out, "development_boundary.gpkg"), [(
        "development_boundary", P_, [("zone", str), ("name", str)], dz, "Synthetic urban development boundary")])
    write_gpkg(os.path.join(out, "ecological_redline.gpkg"), [(
        "ecological_redline", P_, [("name", str), ("tier", str)],
        [(g, dict(name=n, tier=t)) for n, t, g in rl_out], "Synthetic ecological protection red line")])
    write_gpkg(os.path.join(out, "basic_farmland.gpkg"), [(
        "basic_farmland", P_, [("name", str)], farm, "Synthetic permanent basic farmland")])
    hf = [("feature_id", str), ("name", str), ("kind", str), ("protection_m", float), ("control_m", float),
          ("height_limit_m", float)]
    write_gpkg(os.path.join(out, "heritage.gpkg"), [(
        "heritage", ogr.wkbUnknown, hf, her,
        "Synthetic Great Wall lines, fort, beacon towers, tombs and rock art; widths and limits [E]")])
    lsf = [("parcel_id", str), ("use_code", str), ("contract_start", str), ("actual_start", str),
           ("developed_share", float), ("invested_share", float), ("suspended_since", str), ("cause", str),
           ("land_price_yuan", float), ("design_status", str)]
    lsfeat = [(rect_local(p["u0"], p["v0"], p["u1"], p["v1"]), p) for p in parcels + lp]
    write_gpkg(os.path.join(out, "land_supply.gpkg"), [(
        "land_supply", P_, lsf, lsfeat, "Synthetic land-supply records; design_status as of 2021-12-31")])
    prf = [("project_id", str), ("name", str), ("use_code", str), ("height_m", float), ("activity", str), ("design", str)]
    pfeat = []
    for pr in props:
        d = ";".join("%s=%s" % (r, pr["intended"][r]) for r in ("dev_boundary", "redline", "farmland", "great_wall"))
        pfeat.append((pr["geom"], dict(project_id=pr["project_id"], name=pr["name"], use_code=pr["use"],
                                       height_m=pr["height"], activity=pr["activity"], design=d)))
    write_gpkg(os.path.join(out, "proposals.gpkg"), [(
        "proposals", P_, prf, pfeat, "Synthetic project proposals; design = intended status per rule")])
    rfeat = []
    for i, rf in enumerate(road_feats):
        rfeat.append((line_local(rf["pts"]), {"road_id": "RD-%04d" % (i + 1), "class": rf["cls"],
                                               "tree_lined": rf["tree"]}))
    write_gpkg(os.path.join(out, "roads.gpkg"), [(
        "roads", ogr.wkbLineString, [("road_id", str), ("class", str), ("tree_lined", int)], rfeat,
        "Synthetic road network (edges end at shared nodes)")])
    irr = irrigation(fields, seed)
    check_connected([[a, b] for _, a, b, *_ in CANALS])
    canals = []
    for cid, a, b, via, cap, loss, name in CANALS:
        pts = [CANAL_NODES[a]] + via + [CANAL_NODES[b]]
        canals.append((line_local(pts), dict(canal_id=cid, from_node=a, to_node=b, capacity_m3_per_year=cap,
                                              loss_share=loss, name=name)))
    srcs = [(point_geom(*W(*wh)), dict(source_id=sid, kind=kind, supply_m3_per_year=sup, node=node, name=name))
            for sid, kind, node, sup, name, wh in WATER_SOURCES]
    write_gpkg(os.path.join(out, "water.gpkg"), [
        ("irrigation", P_, [("district_id", str), ("name", str), ("kind", str), ("method", str),
                            ("efficiency", float), ("node", str)],
         irr,
         "Synthetic irrigation districts (2021 methods)"),
        ("canals", ogr.wkbLineString, [("canal_id", str), ("from_node", str), ("to_node", str),
                                       ("capacity_m3_per_year", float), ("loss_share", float), ("name", str)],
         canals, "Synthetic canal network fed by the Taolai River"),
        ("water_sources", ogr.wkbPoint, [("source_id", str), ("kind", str), ("supply_m3_per_year", float),
                                         ("node", str), ("name", str)], srcs, "Synthetic water sources")])
    log("vectors written")

    # ---- calibration.json
    def class_areas(counts):
        return {"%04d" % c: round(float(counts[c]) * cell_area / 1e4, 2) for c in sorted(set(cv(x) for x in CODES))
                if counts[c] > 0}
    all21 = np.bincount(lu21.ravel(), minlength=2400)
    all16 = np.bincount(lu16.ravel(), minlength=2400)
    changed_ha = float(((lu16 != lu21) & bmask).sum()) * cell_area / 1e4
    urban_codes = [cv(c) for c in URBAN]
    U21 = float(all21[urban_codes].sum()) * cell_area
    conc_a = sum(g.GetArea() for g in Z["conc"])
    flex_a = sum(g.GetArea() for g in Z["flex"])
    cal = {
        "generator": "tools/generate_study.py",
        "seed": seed,
        "size": args.size,
        "cell_size_m": grid.cs,
        "targets": TARGETS,
        "indicators_2021": {k: round(v, 4) for k, v in ind21.items()},
        "indicators_2016_same_built_up_area_and_population": {k: round(v, 4) for k, v in ind16.items()},
        "calibrated_class_values": {"0701": {"attached_green": dict(zip(CODES, [c[7] for c in CLASSES]))["0701"],
                                             "canopy": dict(zip(CODES, [c[6] for c in CLASSES]))["0701"]}},
        "boundary_area_km2": round(boundary.GetArea() / 1e6, 3),
        "population": {"total": POPULATION_TOTAL, "urban_on_0701_in_built_up_area": urban_total,
                       "rural_on_0703": rural_total},
        "development_boundary": {"concentrated_km2": round(conc_a / 1e6, 3), "flexible_km2": round(flex_a / 1e6, 3),
                                 "flexible_share_of_concentrated": round(flex_a / conc_a, 4),
                                 "urban_construction_2021_km2": round(U21 / 1e6, 3),
                                 "whole_over_urban_construction_2021": round((conc_a + flex_a) / U21, 4)},
        "change_2016_2021_ha": round(changed_ha, 2),
        "class_areas_ha": {"2016": class_areas(all16), "2021": class_areas(all21)},
        "class_areas_in_built_up_area_ha": {"2016": class_areas(counts16), "2021": class_areas(counts21)},
        "land_supply_status_counts": {s: sum(1 for p in parcels + lp if p["design_status"] == s)
                                      for s in ("not_idle", "idle_1y_fee20", "idle_2y_reclaim", "gov_cause_negotiate",
                                                "suspected_idle")},
    }
    with open(os.path.join(out, "calibration.json"), "w", encoding="utf-8", newline="\n") as fh:
        json.dump(cal, fh, indent=2, ensure_ascii=False, sort_keys=False)
        fh.write("\n")
    if flex_a > 0.15 * conc_a or (conc_a + flex_a) > 1.3 * U21:
        raise SystemExit("development boundary out of bounds: %s" % cal["development_boundary"])

    # ---- study.yaml
    layers = [
        "  boundary: {file: boundary.gpkg, layer: boundary}",
        "  landuse:",
        "    2016: {file: landuse_2016.tif, polygons: landuse_2016.gpkg, code_field: code}",
        "    2021: {file: landuse_2021.tif, polygons: landuse_2021.gpkg, code_field: code}",
        "  built_up_area: {file: built_up_area.gpkg, layer: built_up_area}",
        "  centres: {file: centres.gpkg, layer: centres}",
        "  development_boundary: {file: development_boundary.gpkg, layer: development_boundary, fields: {zone: zone}}",
        "  ecological_redline: {file: ecological_redline.gpkg, layer: ecological_redline}",
        "  basic_farmland: {file: basic_farmland.gpkg, layer: basic_farmland}",
        "  heritage: {file: heritage.gpkg, layer: heritage}",
        "  land_supply: {file: land_supply.gpkg, layer: land_supply}",
        "  proposals: {file: proposals.gpkg, layer: proposals}",
        "  roads: {file: roads.gpkg, layer: roads}",
        "  population: {file: population.tif}",
        "  irrigation: {file: water.gpkg, layer: irrigation}",
        "  canals: {file: water.gpkg, layer: canals}",
        "  water_sources: {file: water.gpkg, layer: water_sources}",
        "  dem: {file: dem.tif, resample: bilinear}",
    ]
    desc = ("Synthetic study area built around the real municipal boundary of Jiayuguan (Apache ECharts 4.9.0 "
            "map data, Apache-2.0, indicative only) and real points (pass tower, municipal government); land use, "
            "control lines, heritage geometry, parcels, proposals, roads, water, population and DEM are generated "
            "by tools/generate_study.py (seed %d). See README.md and docs/DATA.md." % seed)
    if args.size == "large":
        desc += " Large benchmark variant."
    write_study_yaml(os.path.join(out, "study.yaml"), grid, layers, "Jiayuguan, Gansu (synthetic)", desc)
    st = cal["land_supply_status_counts"]
    nrl_core = sum(1 for _, t, _ in rl_out if t == "core")
    counts = [
        ("study.yaml", "study file", "grid, class table (%d classes), layer roles" % len(CLASSES)),
        ("boundary.gpkg", "boundary", "1 multipolygon, the real municipal boundary (attribution in `source`)"),
        ("landuse_2016.tif, landuse_2021.tif", "landuse", "UInt16 class rasters (value = integer code, 0 = outside), "
         "DEFLATE tiles, colour table"),
        ("landuse_2016.gpkg, landuse_2021.gpkg", "landuse (polygons)", "%d and %d polygons, field `code`; "
         "rasterized at cell centres they equal the rasters" % (n_lu[2016], n_lu[2021])),
        ("built_up_area.gpkg", "built_up_area", "%d polygons, %.2f km²" % (len(Z["bua"]), ind21["built_up_area_km2"])),
        ("centres.gpkg", "centres", "city centre (government point) and 3 town seats"),
        ("development_boundary.gpkg", "development_boundary", "%d concentrated and %d flexible polygons"
         % (len(Z["conc"]), len(Z["flex"]))),
        ("ecological_redline.gpkg", "ecological_redline", "%d polygons (%d core, %d general): Caohu wetland, Heishan, "
         "Taolai corridor, Qilian foothills, Xincheng spring meadow" % (len(rl_out), nrl_core, len(rl_out) - nrl_core)),
        ("basic_farmland.gpkg", "basic_farmland", "%d polygons in the three oases" % len(farm)),
        ("heritage.gpkg", "heritage", "%d features (GEOMETRY): %d wall lines, 1 fort, %d beacon towers, tombs, rock art"
         % (len(her), sum(1 for _, a in her if a["kind"] == "wall"), sum(1 for _, a in her if a["kind"] == "beacon_tower"))),
        ("land_supply.gpkg", "land_supply", "%d parcels with `design_status`: %s" % (
            len(parcels) + len(lp), ", ".join("%s %d" % (k_, v_) for k_, v_ in st.items()))),
        ("proposals.gpkg", "proposals", "%d projects with `design` (intended status per rule)" % len(props)),
        ("roads.gpkg", "roads", "%d edges of one connected network (classes %s)" % (
            len(road_feats), ", ".join(sorted({r["cls"] for r in road_feats})))),
        ("population.tif", "population", "Float32 persons per cell, sum %d" % POPULATION_TOTAL),
        ("water.gpkg", "irrigation, canals, water_sources", "%d districts, %d canals, %d sources (%.0f million m³/yr)"
         % (len(irr), len(canals), len(srcs), sum(w[3] for w in WATER_SOURCES) / 1e6)),
        ("dem.tif", "dem", "Float32 metres (whole metres), -9999 outside the boundary"),
        ("calibration.json", "-", "indicators, class areas, development-boundary ratios, status counts"),
    ]
    write_readme(os.path.join(out, "README.md"), grid, cal, counts)
    print(json.dumps({"out": out, **{k: round(ind21[k], 3) for k in TARGETS}}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
