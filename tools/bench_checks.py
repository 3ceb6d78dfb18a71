#!/usr/bin/python3
"""Benchmark: the red-line + development-boundary + basic-farmland review of `xiongguan check`
against PostGIS on the same machine in the same run (docs/BENCHMARKS.md).

usage: tools/bench_checks.py STUDY.yaml --xiongguan BIN [--layer land_supply] [--runs 3] [--threads 2]

Timed, each a median of --runs runs:
  xiongguan   whole process `check --rules development_boundary,red_line,basic_farmland -o ''`
              (reads the study and the layers, builds the STRtrees, prepares, reviews; writes nothing),
              plus one run with outputs for the area comparison;
  PostGIS     load (ogr2ogr with GiST indexes + ANALYZE) once; then
    plain     per-parcel grouped SUM(ST_Area(ST_Intersection(...))) over ST_Intersects joins;
    expert    prep: ST_Subdivide(geom, 256) pieces with their own GiST index; query: ST_Within to
              skip the overlay for parcels wholly inside a piece, ST_Intersection otherwise.
Each query materialises its per-parcel result table (CREATE TABLE AS), as our run keeps its rows.
Areas of the three forms are compared per parcel x rule with ours (largest difference printed).
"""
import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postgis_compare as pc  # noqa: E402

RULES = "development_boundary,red_line,basic_farmland"


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def child_cpu():
    """CPU seconds (user + sys) of the finished child processes of this script."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cluster_cpu(cluster):
    """CPU seconds used so far by the cluster: the postmaster, its reaped children (backends and
    parallel workers that exited) and its live children."""
    tick = os.sysconf("SC_CLK_TCK")
    with open(os.path.join(cluster.data, "postmaster.pid")) as f:
        pm = int(f.readline())

    def stat(pid):
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()
    s = stat(pm)
    total = sum(int(x) for x in s[11:15])  # utime stime cutime cstime
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) != pm:
            try:
                c = stat(int(d))
            except OSError:
                continue
            if int(c[1]) == pm:
                total += int(c[11]) + int(c[12])
    return total / tick


def timed_cpu(fn, cpu):
    """(wall, cpu) of fn, cpu measured by the callable `cpu` before and after."""
    c0 = cpu()
    w = timed(fn)
    time.sleep(0.3)  # let the postmaster reap the backend that just disconnected
    return w, cpu() - c0


def plain_sql(idf):
    return [
        ("red_line", "CREATE TABLE q_red AS SELECT p.%s AS id, SUM(ST_Area(ST_Intersection(p.geom, r.geom))) AS a "
                     "FROM parcels p JOIN redline r ON ST_Intersects(p.geom, r.geom) GROUP BY p.%s" % (idf, idf)),
        ("basic_farmland", "CREATE TABLE q_farm AS SELECT p.%s AS id, SUM(ST_Area(ST_Intersection(p.geom, f.geom))) AS a "
                           "FROM parcels p JOIN farmland f ON ST_Intersects(p.geom, f.geom) GROUP BY p.%s" % (idf, idf)),
        ("development_boundary",
         "CREATE TABLE q_dev AS SELECT p.%s AS id, ST_Area(p.geom) - COALESCE(SUM(ST_Area(ST_Intersection(p.geom, c.geom))), 0) AS a "
         "FROM parcels p LEFT JOIN conc c ON ST_Intersects(p.geom, c.geom) GROUP BY p.%s, p.geom" % (idf, idf)),
    ]


EXPERT_PREP = [
    "CREATE TABLE redline_sub AS SELECT fid, ST_Subdivide(geom, 256) AS geom FROM redline",
    "CREATE INDEX ON redline_sub USING gist(geom)",
    "ANALYZE redline_sub",
    "CREATE TABLE farmland_sub AS SELECT fid, ST_Subdivide(geom, 256) AS geom FROM farmland",
    "CREATE INDEX ON farmland_sub USING gist(geom)",
    "ANALYZE farmland_sub",
    "CREATE TABLE conc_sub AS SELECT fid, ST_Subdivide(geom, 256) AS geom FROM conc",
    "CREATE INDEX ON conc_sub USING gist(geom)",
    "ANALYZE conc_sub",
]


def expert_sql(idf):
    def piece(table, alias):
        return ("SUM(CASE WHEN ST_Within(p.geom, {a}.geom) THEN ST_Area(p.geom) "
                "ELSE ST_Area(ST_Intersection(p.geom, {a}.geom)) END)").format(a=alias)
    return [
        ("red_line", "CREATE TABLE q_red AS SELECT p.%s AS id, %s AS a FROM parcels p JOIN redline_sub s "
                     "ON ST_Intersects(p.geom, s.geom) GROUP BY p.%s" % (idf, piece("redline_sub", "s"), idf)),
        ("basic_farmland", "CREATE TABLE q_farm AS SELECT p.%s AS id, %s AS a FROM parcels p JOIN farmland_sub s "
                           "ON ST_Intersects(p.geom, s.geom) GROUP BY p.%s" % (idf, piece("farmland_sub", "s"), idf)),
        ("development_boundary",
         "CREATE TABLE q_dev AS SELECT p.%s AS id, ST_Area(p.geom) - COALESCE(%s, 0) AS a FROM parcels p "
         "LEFT JOIN conc_sub s ON ST_Intersects(p.geom, s.geom) GROUP BY p.%s, p.geom" % (idf, piece("conc_sub", "s"), idf)),
    ]


def drop_results(cluster):
    cluster.psql("DROP TABLE IF EXISTS q_red, q_farm, q_dev")


def pg_areas(cluster):
    out = {}
    for rule, table in (("checks.red_line", "q_red"), ("checks.basic_farmland", "q_farm"),
                        ("checks.development_boundary", "q_dev")):
        for line in cluster.psql("SELECT id, a FROM %s" % table).splitlines():
            pid, a = line.split("\t")
            out[(pid, rule)] = float(a)
    return out


def max_diff(ours, theirs):
    """Largest |difference| over parcel x rule (missing on one side = 0 m2 there)."""
    worst, where = 0.0, None
    nonzero = sum(1 for k, v in theirs.items() if v > 0 and k in ours)
    pc.log("%d parcel x rule areas > 0 in PostGIS, all matched by id with ours" % nonzero
           if nonzero == sum(1 for v in theirs.values() if v > 0) else "some PostGIS rows have no row of ours")
    for key, a in ours.items():
        if key[1] not in ("checks.red_line", "checks.basic_farmland", "checks.development_boundary"):
            continue
        d = abs(a - theirs.get(key, 0.0))
        if d > worst:
            worst, where = d, key
    return worst, where


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return "%s, %d cores, %.0f GiB RAM, %s" % (cpu, os.cpu_count(), mem, platform.platform())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("study")
    ap.add_argument("--xiongguan", required=True)
    ap.add_argument("--layer", default="land_supply")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()
    study = pc.Study(a.study)
    path, layer = study.source(a.layer)
    idf = pc.id_field(study, a.layer, path, layer)
    ds = pc.ogr.Open(path)
    n_parcels = (ds.GetLayerByName(layer) if layer else ds.GetLayer(0)).GetFeatureCount()
    rpath, rlayer = study.source("ecological_redline")
    rds = pc.ogr.Open(rpath)
    rl = rds.GetLayerByName(rlayer) if rlayer else rds.GetLayer(0)
    n_red, n_vertices, n_holes = 0, 0, 0
    for f in rl:
        g = f.GetGeometryRef()
        n_red += 1
        if g is None:
            continue
        n_vertices += sum(g.GetGeometryRef(i).GetPointCount() if g.GetGeometryRef(i).GetPointCount() else
                          sum(g.GetGeometryRef(i).GetGeometryRef(j).GetPointCount()
                              for j in range(g.GetGeometryRef(i).GetGeometryCount()))
                          for i in range(g.GetGeometryCount()))
        polys = [g] if g.GetGeometryName() == "POLYGON" else [g.GetGeometryRef(i) for i in range(g.GetGeometryCount())]
        n_holes += sum(max(p.GetGeometryCount() - 1, 0) for p in polys)
    pc.log("%d %s parcels; %d red-line polygons, %d vertices, %d holes" % (n_parcels, a.layer, n_red, n_vertices, n_holes))

    res = {"study": a.study, "layer": a.layer, "parcels": n_parcels, "redline_polygons": n_red,
           "redline_vertices": n_vertices, "redline_holes": n_holes, "threads": a.threads, "runs": a.runs,
           "machine": machine()}
    # ---- xiongguan
    cmd = [a.xiongguan, "--threads", str(a.threads), "-l", "info", "check", a.study, "--layer", a.layer,
           "--rules", RULES, "-o", ""]
    xg, xg_cpu, xg_load, xg_rules = [], [], [], []
    for _ in range(a.runs):
        log = {}

        def run_ours():
            log["err"] = subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True).stderr

        w, c = timed_cpu(run_ours, child_cpu)
        xg.append(w)
        xg_cpu.append(c)
        # Our own split, from the log: reading every input, then the one pass of the three rules.
        m1 = re.search(r"loaded \d+ layer\(s\).* in ([0-9.e-]+) s", log["err"])
        m2 = re.search(r"parcel rules done in ([0-9.e-]+) s", log["err"])
        xg_load.append(float(m1.group(1)) if m1 else None)
        xg_rules.append(float(m2.group(1)) if m2 else None)
        pc.log("xiongguan review: %.2f s wall, %.2f s CPU (reading inputs %s s, rules %s s)" %
               (w, c, xg_load[-1], xg_rules[-1]))
    res["xiongguan_cpu_s"] = xg_cpu
    res["xiongguan_read_inputs_s"] = xg_load
    res["xiongguan_rules_s"] = xg_rules
    out_dir = tempfile.mkdtemp(prefix="xg-bench-out-")
    t_out = timed(lambda: subprocess.run(cmd[:-1] + [out_dir], check=True, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL))
    pc.log("xiongguan review + writing outputs: %.2f s" % t_out)
    ours, _ = pc.read_ours(out_dir)
    res["xiongguan_s"] = xg
    res["xiongguan_with_outputs_s"] = t_out

    # ---- PostGIS
    pc.ensure_packages()
    cluster = pc.Cluster({"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                          "shared_buffers": "1GB", "work_mem": "256MB", "max_parallel_workers_per_gather": str(a.threads),
                          "max_worker_processes": str(max(8, a.threads)), "max_parallel_workers": str(a.threads)})
    try:
        cluster.start()
        roles = {a.layer: "parcels", "development_boundary": "devb", "ecological_redline": "redline",
                 "basic_farmland": "farmland"}
        t0 = time.perf_counter()
        for role, table in roles.items():
            p, l = study.source(role)
            cluster.load(p, l, table, study.crs)
        cluster.psql("CREATE TABLE conc AS SELECT fid, geom FROM devb WHERE lower(trim(%s)) = 'concentrated';"
                     "CREATE INDEX ON conc USING gist(geom); ANALYZE conc;" % study.field("development_boundary", "zone"))
        res["postgis_load_s"] = time.perf_counter() - t0
        pc.log("PostGIS load (ogr2ogr, GiST, ANALYZE): %.2f s" % res["postgis_load_s"])
        for form, sqls in (("plain", plain_sql(idf)), ("expert", None)):
            if form == "expert":
                res["postgis_expert_prep_s"] = timed(lambda: [cluster.psql(s) for s in EXPERT_PREP])
                pc.log("PostGIS expert prep (ST_Subdivide + GiST): %.2f s" % res["postgis_expert_prep_s"])
                sqls = expert_sql(idf)
            times, cpus = [], []
            for _ in range(a.runs):
                drop_results(cluster)
                w, c = timed_cpu(lambda: [cluster.psql(s) for _, s in sqls], lambda: cluster_cpu(cluster))
                times.append(w)
                cpus.append(c)
                pc.log("PostGIS %s query: %.2f s wall, %.2f s CPU" % (form, w, c))
            res["postgis_%s_s" % form] = times
            res["postgis_%s_cpu_s" % form] = cpus
            d, where = max_diff(ours, pg_areas(cluster))
            res["postgis_%s_max_area_diff_m2" % form] = d
            pc.log("largest area difference xiongguan vs PostGIS %s: %.3g m2 at %s" % (form, d, where))
    finally:
        cluster.stop()

    med = {k: statistics.median(v) for k, v in res.items() if k.endswith("_s") and isinstance(v, list)}
    res["medians_s"] = med
    ours_t = med["xiongguan_s"]
    res["ratios_cpu"] = {
        "plain_query_over_xiongguan": med["postgis_plain_cpu_s"] / med["xiongguan_cpu_s"],
        "expert_query_over_xiongguan": med["postgis_expert_cpu_s"] / med["xiongguan_cpu_s"],
    }
    res["load_average_at_end"] = os.getloadavg()
    res["ratios"] = {
        "plain_query_over_xiongguan": med["postgis_plain_s"] / ours_t,
        "expert_query_over_xiongguan": med["postgis_expert_s"] / ours_t,
        "expert_prep_plus_query_over_xiongguan": (med["postgis_expert_s"] + res["postgis_expert_prep_s"]) / ours_t,
        "expert_load_prep_query_over_xiongguan":
            (med["postgis_expert_s"] + res["postgis_expert_prep_s"] + res["postgis_load_s"]) / ours_t,
    }
    print(json.dumps(res, indent=2))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
