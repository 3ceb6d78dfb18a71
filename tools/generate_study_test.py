#!/usr/bin/python3
"""Checks the committed synthetic study area (data/jiayuguan/) against its generator.

(a) regenerates into a temporary folder and requires byte-identical files;
(b) recomputes, independently of the generator, the 2021 green indicators from the committed
    files (land-use raster, built_up_area polygons rasterized at cell centres, class table of
    study.yaml, population raster) and checks them against the city's 2021 figures; checks the
    boundary area and the population total;
(c) checks that the land-use polygons rasterize back to the land-use rasters, and that the
    land-supply and proposal layers carry their design fields.

Plain python, run by CTest as `/usr/bin/python3 tools/generate_study_test.py`; exits non-zero on
failure. Runtime about 30 s.
"""

import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(REPO, "data", "jiayuguan")
GENERATOR = os.path.join(REPO, "tools", "generate_study.py")
NOT_GENERATED = {"source"}

TARGETS = {"green_space_rate_pct": 39.5, "green_cover_rate_pct": 40.7, "park_green_m2_per_person": 29.2}
TOLERANCE = 0.5
BOUNDARY_KM2 = 1224.8
POPULATION = 312663
STATUSES = {"not_idle", "idle_1y_fee20", "idle_2y_reclaim", "gov_cause_negotiate", "suspected_idle"}

failures = []


def check(cond, msg):
    print(("ok    " if cond else "FAIL  ") + msg)
    if not cond:
        failures.append(msg)


def load_study(path):
    """The parts of study.yaml this test needs (PyYAML when present, else the generator's layout)."""
    text = open(path, encoding="utf-8").read()
    try:
        import yaml
        doc = yaml.safe_load(text)
        grid = doc["grid"]
        classes = {c["code"]: c for c in doc["classes"]}
        return grid, classes
    except ImportError:
        pass
    grid = {k: float(re.search(r"^\s+%s:\s*([-\d.]+)" % k, text, re.M).group(1))
            for k in ("origin_x", "origin_y", "cell_size_m", "cols", "rows")}
    classes = {}
    for m in re.finditer(r"^\s+- \{code: \"(\d+)\".*?canopy: ([\d.]+), attached_green: ([\d.]+)", text, re.M):
        classes[m.group(1)] = {"code": m.group(1), "canopy": float(m.group(2)), "attached_green": float(m.group(3))}
    return grid, classes


def read_band(path):
    ds = gdal.Open(path)
    arr = ds.GetRasterBand(1).ReadAsArray()
    return arr, ds.GetGeoTransform()


def rasterize_layer(path, gt, cols, rows, attribute=None):
    ds = gdal.GetDriverByName("MEM").Create("", cols, rows, 1, gdal.GDT_UInt16 if attribute else gdal.GDT_Byte)
    ds.SetGeoTransform(gt)
    src = ogr.Open(path)
    lyr = src.GetLayer(0)
    opts = ["ATTRIBUTE=%s" % attribute] if attribute else []
    gdal.RasterizeLayer(ds, [1], lyr, burn_values=[] if attribute else [1], options=opts)
    return ds.GetRasterBand(1).ReadAsArray()


def regenerate_and_compare():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "jiayuguan")
        r = subprocess.run([sys.executable, GENERATOR, "--out", out], capture_output=True, text=True)
        check(r.returncode == 0, "generator runs (exit %d)%s" % (r.returncode, ("\n" + r.stderr[-2000:]) if r.returncode else ""))
        if r.returncode:
            return
        produced = sorted(os.listdir(out))
        committed = sorted(n for n in os.listdir(DATA) if n not in NOT_GENERATED)
        check(produced == committed, "same file list (%d files)" % len(produced))
        for name in produced:
            a = os.path.join(out, name)
            b = os.path.join(DATA, name)
            same = os.path.exists(b) and open(a, "rb").read() == open(b, "rb").read()
            check(same, "byte-identical: %s" % name)


def indicators():
    grid, classes = load_study(os.path.join(DATA, "study.yaml"))
    cols, rows, cs = int(grid["cols"]), int(grid["rows"]), float(grid["cell_size_m"])
    gt = (float(grid["origin_x"]), cs, 0.0, float(grid["origin_y"]), 0.0, -cs)
    lu, lgt = read_band(os.path.join(DATA, "landuse_2021.tif"))
    check(lu.shape == (rows, cols) and np.allclose(lgt, gt), "landuse_2021.tif is on the study grid")
    pop, _ = read_band(os.path.join(DATA, "population.tif"))
    bua = rasterize_layer(os.path.join(DATA, "built_up_area.gpkg"), gt, cols, rows).astype(bool)
    canopy = np.zeros(65536)
    green = np.zeros(65536)
    for code, c in classes.items():
        canopy[int(code)] = float(c["canopy"])
        green[int(code)] = float(c["attached_green"])
    check(green[1401] == 1.0, "parks (1401) have attached_green 1.0")
    v = lu[bua]
    n = v.size
    cell_area = cs * cs
    gs = 100.0 * green[v].sum() / n
    gc = 100.0 * canopy[v].sum() / n
    park = (v == 1401).sum() * cell_area
    pop_in = float(pop[bua].astype(np.float64).sum())
    ppp = park / pop_in
    area_km2 = n * cell_area / 1e6
    print("      built-up area %.2f km2, population inside %.1f" % (area_km2, pop_in))
    check(60.0 <= area_km2 <= 80.0, "built-up area %.2f km2 within 60-80" % area_km2)
    for key, val in (("green_space_rate_pct", gs), ("green_cover_rate_pct", gc), ("park_green_m2_per_person", ppp)):
        check(abs(val - TARGETS[key]) <= TOLERANCE, "%s = %.3f (target %.1f +/- %.1f)" % (key, val, TARGETS[key], TOLERANCE))
    total = float(pop.astype(np.float64).sum())
    check(abs(total - POPULATION) <= 1.0, "population sum %.2f (expected %d +/- 1)" % (total, POPULATION))
    res = np.isin(lu, [701, 703])
    check(float(pop[~res].astype(np.float64).sum()) == 0.0, "population only on residential cells (0701, 0703)")
    check(abs(pop_in / total - 0.944) < 0.002, "share inside the built-up area %.4f (~0.944)" % (pop_in / total))
    ds = ogr.Open(os.path.join(DATA, "boundary.gpkg"))
    area = sum(f.GetGeometryRef().GetArea() for f in ds.GetLayer(0)) / 1e6
    check(abs(area - BOUNDARY_KM2) <= 0.01 * BOUNDARY_KM2, "boundary area %.2f km2 (expected %.1f +/- 1 %%)" % (area, BOUNDARY_KM2))
    codes_used = set(np.unique(lu).tolist()) - {0}
    lu16, _ = read_band(os.path.join(DATA, "landuse_2016.tif"))
    codes_used |= set(np.unique(lu16).tolist()) - {0}
    check(codes_used <= {int(c) for c in classes}, "every raster value is in the class table")
    # polygons == rasters
    for year, arr in ((2021, lu), (2016, lu16)):
        back = rasterize_layer(os.path.join(DATA, "landuse_%d.gpkg" % year), gt, cols, rows, attribute="code")
        diff = int((back != arr).sum())
        check(diff == 0, "landuse_%d.gpkg rasterizes to landuse_%d.tif (%d cells differ)" % (year, year, diff))
    changed_ha = float(((lu16 != lu) & (lu != 0)).sum()) * cell_area / 1e4
    check(500.0 <= changed_ha <= 5000.0, "2016->2021 change %.0f ha (a few thousand at most)" % changed_ha)


def design_fields():
    ds = ogr.Open(os.path.join(DATA, "land_supply.gpkg"))
    st = [f.GetField("design_status") for f in ds.GetLayer(0)]
    check(set(st) == STATUSES, "land_supply covers every idle-land status: %s" % sorted(set(st)))
    ds = ogr.Open(os.path.join(DATA, "proposals.gpkg"))
    seen = {}
    ok = True
    for f in ds.GetLayer(0):
        parts = dict(p.split("=") for p in f.GetField("design").split(";"))
        ok &= set(parts) == {"dev_boundary", "redline", "farmland", "great_wall"}
        for rule, s in parts.items():
            seen.setdefault(rule, set()).add(s)
    check(ok, "every proposal has a design for the four rules")
    for rule, s in sorted(seen.items()):
        # basic farmland has no approval path in the city's review (docs/DATA.md)
        want = {"pass", "fail"} if rule == "farmland" else {"pass", "fail", "needs_approval"}
        check(s == want, "proposals cover %s for %s" % ("/".join(sorted(want)), rule))
    ds = ogr.Open(os.path.join(DATA, "heritage.gpkg"))
    check(ds.GetLayer(0).GetGeomType() == ogr.wkbUnknown, "heritage layer has geometry type GEOMETRY")
    # networks: road edges meet at shared end points, canals at shared node ids
    ds = ogr.Open(os.path.join(DATA, "roads.gpkg"))
    edges = []
    for f in ds.GetLayer(0):
        g = f.GetGeometryRef()
        a, b = g.GetPoint_2D(0), g.GetPoint_2D(g.GetPointCount() - 1)
        edges.append(((round(a[0], 3), round(a[1], 3)), (round(b[0], 3), round(b[1], 3))))
    check(components(edges) == 1, "roads form one connected network (%d edges)" % len(edges))
    ds = ogr.Open(os.path.join(DATA, "water.gpkg"))
    canals = [(f.GetField("from_node"), f.GetField("to_node")) for f in ds.GetLayerByName("canals")]
    nodes = {f.GetField("node") for f in ds.GetLayerByName("water_sources")}
    nodes |= {f.GetField("node") for f in ds.GetLayerByName("irrigation")}
    check(components(canals) == 1 and nodes <= {n for e in canals for n in e},
          "canals form one network reaching every source and district node")
    # the study file says invalid_geometry: stop, so every geometry must be valid
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    bad = []
    for name in sorted(os.listdir(DATA)):
        if not name.endswith(".gpkg"):
            continue
        ds = ogr.Open(os.path.join(DATA, name))
        for i in range(ds.GetLayerCount()):
            lyr = ds.GetLayer(i)
            for f in lyr:
                g = f.GetGeometryRef()
                if g is None or g.IsEmpty() or not g.IsValid():
                    bad.append("%s/%s fid %d" % (name, lyr.GetName(), f.GetFID()))
    gdal.PopErrorHandler()
    check(not bad, "every vector geometry is valid and non-empty%s" % ((": " + ", ".join(bad[:5])) if bad else ""))


def components(edges):
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a, b in edges:
        parent[find(a)] = find(b)
    return len({find(x) for x in list(parent)})


def main():
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    regenerate_and_compare()
    indicators()
    design_fields()
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
