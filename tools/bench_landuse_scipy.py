#!/usr/bin/python3
"""Reference side of tools/bench_landuse.sh.
  edt_check <mask.tif> <ours.tif> [<gdal.tif>]  max |ours - scipy EDT| in cells (and GDAL's)
  nbhd <classes.tif> <radius>                     scipy.ndimage 5x5 class counts: seconds, sum
"""
import json, sys, time
import numpy as np
from osgeo import gdal
from scipy import ndimage

def read(p):
    # ReadRaster + frombuffer rather than ReadAsArray: the latter crashes when the numpy on the path
    # is not the one python3-gdal was built against.
    b = gdal.Open(p).GetRasterBand(1)
    dt = {gdal.GDT_Byte: np.uint8, gdal.GDT_UInt16: np.uint16, gdal.GDT_Float32: np.float32}[b.DataType]
    return np.frombuffer(b.ReadRaster(), dtype=dt).reshape(b.YSize, b.XSize)

if sys.argv[1] == "edt_check":
    mask = read(sys.argv[2])
    t = time.perf_counter()
    ref = ndimage.distance_transform_edt(mask == 0)
    t_ref = time.perf_counter() - t
    out = {"scipy_edt_s": t_ref, "max_abs_diff_ours_cells": float(np.max(np.abs(read(sys.argv[3]) - ref)))}
    if len(sys.argv) > 4:
        out["max_abs_diff_gdal_cells"] = float(np.max(np.abs(read(sys.argv[4]) - ref)))
    print(json.dumps(out))
elif sys.argv[1] == "nbhd":
    cls = read(sys.argv[2])
    size = 2 * int(sys.argv[3]) + 1
    values = [v for v in np.unique(cls) if v != 0]
    t = time.perf_counter()
    total = 0
    for v in values:
        c = ndimage.convolve((cls == v).astype(np.uint8), np.ones((size, size), np.uint8), mode="constant", cval=0)
        total += int(c.sum(dtype=np.int64))
    print(json.dumps({"kernel_s": time.perf_counter() - t, "classes": len(values), "sum": total}))
