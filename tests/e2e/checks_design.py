#!/usr/bin/python3
"""Asserts that `xiongguan check` gives every proposal and land-supply parcel of the shipped study
the status its design intends (the `design` field of proposals, `design_status` of land_supply).

usage: checks_design.py <study.yaml> <out_dir>
Reads <out_dir>/violations.gpkg (layers violations, idle_land). Exit 0 when all agree."""
import os
import sys

from osgeo import ogr

RULES = {"dev_boundary": "checks.development_boundary", "redline": "checks.red_line",
         "farmland": "checks.basic_farmland", "great_wall": "checks.great_wall"}


def main():
    study, out = sys.argv[1], sys.argv[2]
    folder = os.path.dirname(os.path.abspath(study))
    got = {}
    ds = ogr.Open(os.path.join(out, "violations.gpkg"))
    for f in ds.GetLayerByName("violations"):
        got[(f["parcel_id"], f["rule_id"])] = (f["status"], f["reason"])
    idle = {f["parcel_id"]: (f["status"], f["reason"]) for f in ds.GetLayerByName("idle_land")}
    bad, n = [], 0
    props = ogr.Open(os.path.join(folder, "proposals.gpkg"))  # keep the dataset alive while reading
    for f in props.GetLayer(0):
        for item in (f["design"] or "").split(";"):
            if not item:
                continue
            key, want = item.split("=")
            n += 1
            have = got.get((f["project_id"], RULES[key]), ("(missing)", ""))
            if have[0] != want:
                bad.append("%s %s (%s): expected %s, got %s: %s" % (f["project_id"], RULES[key], f["name"], want,
                                                                  have[0], have[1]))
    supply = ogr.Open(os.path.join(folder, "land_supply.gpkg"))
    for f in supply.GetLayer(0):
        n += 1
        have = idle.get(f["parcel_id"], ("(missing)", ""))
        if have[0] != f["design_status"]:
            bad.append("%s idle_land: expected %s, got %s: %s" % (f["parcel_id"], f["design_status"], have[0], have[1]))
    print("checks_design: %d statuses compared, %d differ" % (n, len(bad)))
    for b in bad:
        print("  " + b)
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
