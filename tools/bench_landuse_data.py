#!/usr/bin/python3
"""Synthetic inputs of tools/bench_landuse.sh: a 0/1 source mask (sparse points and lines) and a
class raster, N x N cells, GeoTIFF (EPSG:4542, 10 m). Deterministic (numpy seed 6)."""
import sys
import numpy as np
from osgeo import gdal, osr

n = int(sys.argv[1])
out_mask, out_classes = sys.argv[2], sys.argv[3]
rng = np.random.default_rng(6)
mask = np.zeros((n, n), dtype=np.uint8)
# ~2000 point sources and 40 straight "roads"
mask[rng.integers(0, n, 2000), rng.integers(0, n, 2000)] = 1
for _ in range(40):
    r0, c0, r1, c1 = rng.integers(0, n, 4)
    k = max(abs(r1 - r0), abs(c1 - c0)) + 1
    mask[np.linspace(r0, r1, k).astype(int), np.linspace(c0, c1, k).astype(int)] = 1
# classes: 8 values in blocks of noisy patches
block = 50
small = rng.integers(1, 9, size=(n // block + 1, n // block + 1)).astype(np.uint16)
cls = np.kron(small, np.ones((block, block), dtype=np.uint16))[:n, :n].copy()
flip = rng.random((n, n)) < 0.1
cls[flip] = rng.integers(1, 9, flip.sum()).astype(np.uint16)
srs = osr.SpatialReference()
srs.ImportFromEPSG(4542)
for path, arr, typ in ((out_mask, mask, gdal.GDT_Byte), (out_classes, cls, gdal.GDT_UInt16)):
    ds = gdal.GetDriverByName("GTiff").Create(path, n, n, 1, typ, ["TILED=YES", "COMPRESS=DEFLATE"])
    ds.SetGeoTransform((401200, 10, 0, 4430000, 0, -10))
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(arr)
    ds = None
