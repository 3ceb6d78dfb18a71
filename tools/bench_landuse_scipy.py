#!/usr/bin/python3
"""Reference side of tools/bench_landuse.sh.
  edt_check <mask.tif> <ours.tif> [<gdal.tif> [<grass.tif>:<cell size>]]
                                                max |ours - scipy EDT| in cells (and GDAL's, GRASS's;
                                                GRASS writes map units, divided by the cell size)
  nbhd <classes.tif> <radius>                     scipy.ndimage 5x5 class counts: seconds, sum
"""
import json, os, subprocess, sys, tempfile, time
import numpy as np
from scipy import ndimage

def read(p):
    # gdal_translate to a raw ENVI .bin, then np.fromfile: python3-gdal crashed reading the
    # 10000x10000 benchmark rasters, the GDAL command-line tools do not.
    with tempfile.TemporaryDirectory() as d:
        b = os.path.join(d, "r.bin")
        subprocess.run(["gdal_translate", "-q", "-of", "ENVI", p, b], check=True)
        hdr = {}
        for line in open(os.path.join(d, "r.hdr")):
            if "=" in line:
                k, v = line.split("=", 1)
                hdr[k.strip().lower()] = v.strip()
        dt = {"1": np.uint8, "2": np.int16, "12": np.uint16, "4": np.float32, "5": np.float64}[hdr["data type"]]
        if hdr.get("byte order", "0") != "0":
            dt = np.dtype(dt).newbyteorder(">")
        return np.fromfile(b, dtype=dt).reshape(int(hdr["lines"]), int(hdr["samples"])).astype(
            np.float64 if np.dtype(dt).kind == "f" else dt)

if sys.argv[1] == "edt_check":
    mask = read(sys.argv[2])
    t = time.perf_counter()
    ref = ndimage.distance_transform_edt(mask == 0)
    t_ref = time.perf_counter() - t
    out = {"scipy_edt_s": t_ref, "max_abs_diff_ours_cells": float(np.max(np.abs(read(sys.argv[3]) - ref)))}
    if len(sys.argv) > 4:
        out["max_abs_diff_gdal_cells"] = float(np.max(np.abs(read(sys.argv[4]) - ref)))
    if len(sys.argv) > 5:
        path, cell = sys.argv[5].rsplit(":", 1)
        out["max_abs_diff_grass_cells"] = float(np.max(np.abs(read(path) / float(cell) - ref)))
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
