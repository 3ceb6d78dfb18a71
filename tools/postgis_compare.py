#!/usr/bin/python3
"""Independent check of `xiongguan check` against PostGIS.

Starts a throwaway PostgreSQL/PostGIS cluster on 127.0.0.1 (Debian packages postgresql-15 and
postgresql-15-postgis-3, installed with apt-get when missing), loads the study's layers with
ogr2ogr, computes every per-parcel conflict area with ST_Area(ST_Intersection(...)) and compares
them with <out>/violations.gpkg (and the line conflicts with its line_conflicts layer). Prints
the largest difference; exits 1 when any area differs by more than 0.01 % and more than 0.01 m2,
or when a parcel x rule is missing. The cluster is stopped and removed on exit (also on errors).

usage: tools/postgis_compare.py STUDY.yaml OUT_DIR [--layer proposals] [--xiongguan BIN]
  With --xiongguan, runs `BIN check STUDY --layer LAYER -o OUT_DIR` first.

Areas per rule (docs/CHECKS.md):
  checks.development_boundary  area(parcel) - area(parcel ∩ union(concentrated zone))
  checks.red_line              area(parcel ∩ union(red line))
  checks.basic_farmland        area(parcel ∩ union(basic farmland))
  checks.great_wall            area(parcel ∩ union(ST_Buffer(feature, protection_m + control_m)))
"""
import argparse
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import yaml
from osgeo import ogr

PG_BIN = "/usr/lib/postgresql/15/bin"
PACKAGES = ["postgresql-15", "postgresql-15-postgis-3"]
ABS_TOL_M2 = 0.01
REL_TOL = 1e-4  # 0.01 %
DEFAULTS = {"protection_m": 50.0, "control_m": 500.0}  # threshold table, great_wall.default_* [E]


def log(msg):
    print("[postgis_compare] " + msg, file=sys.stderr, flush=True)


def ensure_packages():
    if os.path.exists(PG_BIN + "/initdb") and os.path.exists("/usr/share/postgresql/15/extension/postgis.control"):
        return
    log("installing " + " ".join(PACKAGES))
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + PACKAGES, check=True,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a loopback port, removed by stop()."""

    def __init__(self, settings=None):
        self.root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix="xg-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.settings = settings or {}
        self.running = False
        if self.root:  # PostgreSQL refuses to run as root: the cluster belongs to 'postgres'
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(self.dir, 0o700)
        atexit.register(self.stop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: sys.exit(130))

    def _as_owner(self, args):
        return (["runuser", "-u", "postgres", "--"] if self.root else []) + args

    def start(self):
        subprocess.run(self._as_owner([PG_BIN + "/initdb", "-D", self.data, "-A", "trust", "-U", "postgres",
                                       "-E", "UTF8", "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
        opts = ["-p %d" % self.port, "-k %s" % self.dir, "-c listen_addresses=127.0.0.1"]
        opts += ["-c %s=%s" % kv for kv in self.settings.items()]
        subprocess.run(self._as_owner([PG_BIN + "/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"),
                                       "-w", "-o", " ".join(opts), "start"]), check=True, stdout=subprocess.DEVNULL)
        self.running = True
        self.psql("CREATE DATABASE xg", db="postgres")
        self.psql("CREATE EXTENSION postgis")
        log("PostgreSQL %s with PostGIS %s on 127.0.0.1:%d" % (
            self.psql("SHOW server_version").strip(), self.psql("SELECT postgis_lib_version()").strip(), self.port))

    def stop(self):
        if self.running:
            subprocess.run(self._as_owner([PG_BIN + "/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.running = False
        if self.dir and os.path.isdir(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def dsn(self):
        return "PG:host=127.0.0.1 port=%d user=postgres dbname=xg" % self.port

    def psql(self, sql, db="xg"):
        r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db, "-X", "-q",
                            "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-c", sql], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("psql failed: %s\n%s" % (r.stderr.strip(), sql))
        return r.stdout

    def load(self, path, layer, table, crs="EPSG:4542"):
        args = ["ogr2ogr", "-f", "PostgreSQL", self.dsn(), path] + ([layer] if layer else [])
        args += ["-nln", table, "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=fid", "-lco", "SPATIAL_INDEX=GIST",
                 "-nlt", "GEOMETRY", "-t_srs", crs, "-overwrite", "-preserve_fid"]
        subprocess.run(args, check=True)
        self.psql("ANALYZE %s" % table)


class Study:
    def __init__(self, path):
        self.path = path
        self.dir = os.path.dirname(os.path.abspath(path))
        with open(path) as f:
            self.doc = yaml.safe_load(f)
        self.crs = self.doc.get("crs", "EPSG:4542")

    def has(self, role):
        return role in self.doc.get("layers", {})

    def source(self, role):
        spec = self.doc["layers"][role]
        return os.path.join(self.dir, spec["file"]), spec.get("layer", "")

    def field(self, role, name):
        return (self.doc["layers"][role].get("fields") or {}).get(name, name)


def id_field(study, role, path, layer):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    names = [lyr.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(lyr.GetLayerDefn().GetFieldCount())]
    for f in (study.field(role, "project_id"), study.field(role, "parcel_id")):
        if f in names:
            return f
    return None


def load_study(cluster, study, review_layer):
    tables = {review_layer: "parcels", "development_boundary": "devb", "ecological_redline": "redline",
              "basic_farmland": "farmland", "heritage": "heritage"}
    loaded = {}
    for role, table in tables.items():
        if study.has(role):
            path, layer = study.source(role)
            cluster.load(path, layer, table, study.crs)
            loaded[role] = table
    return loaded


def prepare_sql(study, loaded):
    """Derived tables: the concentrated zone and the Great Wall outer buffers (same GEOS buffer)."""
    sql = []
    if "development_boundary" in loaded:
        sql.append("CREATE TABLE conc AS SELECT fid, geom FROM devb WHERE lower(trim(%s)) = 'concentrated';"
                   "CREATE INDEX ON conc USING gist(geom); ANALYZE conc;" % study.field("development_boundary", "zone"))
    if "heritage" in loaded:
        p, c = study.field("heritage", "protection_m"), study.field("heritage", "control_m")
        sql.append("CREATE TABLE hzone AS SELECT fid, ST_Buffer(geom, d, 'quad_segs=8') AS geom FROM "
                   "(SELECT fid, geom, COALESCE(%s::float8, %g) + COALESCE(%s::float8, %g) AS d FROM heritage "
                   " WHERE geom IS NOT NULL) t WHERE d > 0;"
                   "CREATE INDEX ON hzone USING gist(geom); ANALYZE hzone;" % (p, DEFAULTS["protection_m"], c,
                                                                             DEFAULTS["control_m"]))
    return sql


def area_sql(rule, idf):
    """Per-parcel area of a rule: exact overlay with the union of the control polygons it meets."""
    def inter(table):
        return ("COALESCE((SELECT ST_Area(ST_Union(ST_CollectionExtract(ST_Intersection(p.geom, c.geom), 3))) "
                "FROM %s c WHERE ST_Intersects(p.geom, c.geom)), 0)" % table)
    expr = {"checks.development_boundary": "ST_Area(p.geom) - " + inter("conc"),
            "checks.red_line": inter("redline"),
            "checks.basic_farmland": inter("farmland"),
            "checks.great_wall": inter("hzone")}[rule]
    return "SELECT p.%s, %s FROM parcels p WHERE p.geom IS NOT NULL" % (idf, expr)


RULE_TABLES = {"checks.development_boundary": "development_boundary", "checks.red_line": "ecological_redline",
               "checks.basic_farmland": "basic_farmland", "checks.great_wall": "heritage"}


def read_ours(out_dir):
    ds = ogr.Open(os.path.join(out_dir, "violations.gpkg"))
    if ds is None:
        raise SystemExit("postgis_compare: %s/violations.gpkg not found (run xiongguan check first)" % out_dir)
    rows = {}
    for f in ds.GetLayerByName("violations"):
        if f["status"] != "invalid":
            rows[(f["parcel_id"], f["rule_id"])] = f["area_m2"]
    conflicts = {}
    lc = ds.GetLayerByName("line_conflicts")
    if lc is not None:
        for f in lc:
            n, a = conflicts.get(f["pair"], (0, 0.0))
            conflicts[f["pair"]] = (n + 1, a + f["area_m2"])
    return rows, conflicts


def compare(study_path, out_dir, review_layer="proposals", xiongguan=None):
    if xiongguan:
        subprocess.run([xiongguan, "check", study_path, "--layer", review_layer, "-o", out_dir],
                       check=True, stdout=subprocess.DEVNULL)
    ours, our_conflicts = read_ours(out_dir)
    study = Study(study_path)
    ensure_packages()
    cluster = Cluster({"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"})
    try:
        cluster.start()
        loaded = load_study(cluster, study, review_layer)
        for s in prepare_sql(study, loaded):
            cluster.psql(s)
        path, layer = study.source(review_layer)
        idf = id_field(study, review_layer, path, layer)
        if idf is None:
            raise SystemExit("postgis_compare: the review layer has no project_id / parcel_id field")
        worst_abs, worst_rel, bad, n = (0.0, None), (0.0, None), [], 0
        for rule, role in RULE_TABLES.items():
            if role not in loaded:
                continue
            for line in cluster.psql(area_sql(rule, idf)).splitlines():
                pid, area = line.split("\t")
                area = float(area)
                key = (pid, rule)
                if key not in ours:
                    continue  # invalid in ours (reported there), or the rule was not run
                n += 1
                d = abs(area - ours[key])
                rel = d / max(abs(area), 1e-12)
                if d > worst_abs[0]:
                    worst_abs = (d, key)
                if d > ABS_TOL_M2 and rel > worst_rel[0]:
                    worst_rel = (rel, key)
                if d > ABS_TOL_M2 and rel > REL_TOL:
                    bad.append("%s %s: xiongguan %.6f m2, PostGIS %.6f m2" % (pid, rule, ours[key], area))
        missing = len([k for k in ours if k[1] in RULE_TABLES and RULE_TABLES[k[1]] in loaded]) - n
        # Line conflicts: count and total area per pair.
        pairs = [("development_boundary", "devb", "basic_farmland", "farmland"),
                 ("development_boundary", "devb", "ecological_redline", "redline"),
                 ("basic_farmland", "farmland", "ecological_redline", "redline")]
        for ra, ta, rb, tb in pairs:
            if ra not in loaded or rb not in loaded or not our_conflicts and not os.path.exists(out_dir):
                continue
            name = "%s x %s" % (ra, rb)
            r = cluster.psql("SELECT count(*), COALESCE(sum(a), 0) FROM (SELECT ST_Area(ST_CollectionExtract("
                             "ST_Intersection(a.geom, b.geom), 3)) a FROM %s a JOIN %s b ON ST_Intersects(a.geom, b.geom)) t "
                             "WHERE a > 1e-4" % (ta, tb)).strip().split("\t")
            pg_n, pg_a = int(r[0]), float(r[1])
            my_n, my_a = our_conflicts.get(name, (0, 0.0))
            d = abs(pg_a - my_a)
            log("line conflicts %s: xiongguan %d overlaps %.4f m2, PostGIS %d overlaps %.4f m2" % (
                name, my_n, my_a, pg_n, pg_a))
            if pg_n != my_n or (d > ABS_TOL_M2 and d > REL_TOL * max(pg_a, 1e-12)):
                bad.append("line conflicts %s: xiongguan %d / %.4f m2, PostGIS %d / %.4f m2" % (name, my_n, my_a,
                                                                                              pg_n, pg_a))
    finally:
        cluster.stop()
    print("postgis_compare: %d parcel x rule areas compared; largest difference %.3g m2 (%s); "
          "largest relative difference above 0.01 m2: %.3g (%s); %d beyond 0.01 %% and 0.01 m2; %d missing" % (
              n, worst_abs[0], worst_abs[1], worst_rel[0], worst_rel[1], len(bad), max(missing, 0)))
    for b in bad[:50]:
        print("  " + b)
    return 1 if bad or missing > 0 or n == 0 else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("study")
    ap.add_argument("out_dir")
    ap.add_argument("--layer", default="proposals", help="review layer role (default proposals)")
    ap.add_argument("--xiongguan", help="run this xiongguan binary's check first")
    a = ap.parse_args()
    t = time.time()
    rc = compare(a.study, a.out_dir, a.layer, a.xiongguan)
    log("done in %.1f s" % (time.time() - t))
    return rc


if __name__ == "__main__":
    sys.exit(main())
