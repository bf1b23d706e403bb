#!/usr/bin/env python3
"""
A SUMO scenario for `v2x eval traffic --truth` (issue 20): a network made with SUMO's own tools,
random demand, two incidents, FCD (geo) and per-edge truth. Rerun it with scripts/sumo/run.sh
(it installs eclipse-sumo into a venv under /tmp; nothing of it is committed).

  netgenerate  7 x 7 grid, 200 m blocks; rows/columns 3 and D primary (2 lanes, 50 km/h), 1, 5, B,
               F secondary (1 lane, 50 km/h), the rest residential (1 lane, 30 km/h); traffic
               lights where secondary or primary roads cross (9)
  netconvert   the grid placed around Munich (lon/lat nodes, --proj.utm), so FCD has geo output
  randomTrips  trips over the whole hour (period 2.2 s by default: about 1,600 vehicles)
  incidents    a full closure of a two-lane arterial (two stopped vehicles block both lanes of
               C3D3 from 900 to 1800 s) and a breakdown on a one-lane road (E4E5, 1500-2100 s)
  sumo         --fcd-output (geo, 1 s) and edgeData every 10 s (the truth)

Usage: generate.py OUT_DIR [--seed N] [--period S] [--end S]
"""
import argparse
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

LON0, LAT0 = 11.575, 48.137
M_PER_DEG_LAT = 111_195.0


def run(cmd):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)


def tools_dir():
    try:
        import sumo  # eclipse-sumo wheel

        return os.path.join(os.path.dirname(sumo.__file__), "tools")
    except ImportError:
        home = os.environ.get("SUMO_HOME")
        if not home:
            sys.exit("SUMO not found: pip install eclipse-sumo, or set SUMO_HOME")
        return os.path.join(home, "tools")


def classify(edge_id):
    """(type, lanes, speed m/s) of a grid edge like 'C3D3' from its two junction ids."""
    a, b = edge_id[:2], edge_id[2:]
    horizontal = a[1] == b[1]
    line = a[1] if horizontal else a[0]
    if line in ("3", "D"):
        return "highway.primary", 2, 13.89
    if line in ("1", "5", "B", "F"):
        return "highway.secondary", 1, 13.89
    return "highway.residential", 1, 8.33


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--period", type=float, default=2.2)
    ap.add_argument("--end", type=int, default=3600)
    o = ap.parse_args()
    os.makedirs(o.out, exist_ok=True)
    p = lambda name: os.path.join(o.out, name)

    # 1. the grid, as plain XML
    run(["netgenerate", "--grid", "--grid.number", "7", "--grid.length", "200", "--no-turnarounds", "true",
         "-o", p("raw.net.xml")])
    run(["netconvert", "--sumo-net-file", p("raw.net.xml"), "--plain-output-prefix", p("plain")])

    # 2. road classes, lanes, speeds; lon/lat node positions; signals
    cos = math.cos(math.radians(LAT0))
    nodes = ET.parse(p("plain.nod.xml"))
    for loc in nodes.getroot().findall("location"):
        nodes.getroot().remove(loc)  # the cartesian frame: the nodes are lon/lat now
    for n in nodes.getroot().iter("node"):
        x, y = float(n.get("x")), float(n.get("y"))
        n.set("x", "%.7f" % (LON0 + x / (M_PER_DEG_LAT * cos)))
        n.set("y", "%.7f" % (LAT0 + y / M_PER_DEG_LAT))
        nid = n.get("id")
        n.set("type", "traffic_light" if nid[0] in "BDF" and nid[1] in "135" else "priority")
    nodes.write(p("plain.nod.xml"))
    edges = ET.parse(p("plain.edg.xml"))
    for e in edges.getroot().iter("edge"):
        typ, lanes, speed = classify(e.get("id"))
        e.set("type", typ)
        e.set("numLanes", str(lanes))
        e.set("speed", str(speed))
        for lane in list(e.findall("lane")):
            e.remove(lane)
    edges.write(p("plain.edg.xml"))
    run(["netconvert", "--node-files", p("plain.nod.xml"), "--edge-files", p("plain.edg.xml"), "--proj.utm", "true",
         "--no-turnarounds", "true", "--tls.default-type", "static", "-o", p("grid.net.xml")])

    # 3. demand
    tools = tools_dir()
    run([sys.executable, os.path.join(tools, "randomTrips.py"), "-n", p("grid.net.xml"), "-o", p("trips.xml"),
         "-r", p("routes.rou.xml"), "--seed", str(o.seed), "-e", str(o.end), "-p", str(o.period),
         "--min-distance", "600", "--validate", "--fringe-factor", "5"])

    # 4. incidents: stopped vehicles
    with open(p("incidents.rou.xml"), "w") as f:
        f.write("""<routes>
    <vType id="blocker" vClass="passenger" length="4.5" color="1,0,0"/>
    <vehicle id="closure_lane0" type="blocker" depart="880" departLane="0" departPos="100" departSpeed="0">
        <route edges="C3D3 D3E3"/>
        <stop lane="C3D3_0" endPos="120" duration="920"/>
    </vehicle>
    <vehicle id="closure_lane1" type="blocker" depart="880" departLane="1" departPos="100" departSpeed="0">
        <route edges="C3D3 D3E3"/>
        <stop lane="C3D3_1" endPos="120" duration="920"/>
    </vehicle>
    <vehicle id="breakdown" type="blocker" depart="1480" departLane="0" departPos="80" departSpeed="0">
        <route edges="E4E5 E5E6"/>
        <stop lane="E4E5_0" endPos="100" duration="620"/>
    </vehicle>
</routes>
""")
    with open(p("truth.add.xml"), "w") as f:
        f.write('<additional>\n    <edgeData id="truth" file="edgedata.xml" period="10" excludeEmpty="true"/>\n</additional>\n')

    # 5. simulate: FCD with geo coordinates, edgeData truth
    run(["sumo", "-n", p("grid.net.xml"), "-r", p("routes.rou.xml") + "," + p("incidents.rou.xml"),
         "-a", p("truth.add.xml"), "--begin", "0", "--end", str(o.end + 600), "--seed", str(o.seed),
         "--fcd-output", p("fcd.xml"), "--fcd-output.geo", "true", "--time-to-teleport", "1200",
         "--no-step-log", "true", "--duration-log.statistics", "true"])
    print("wrote %s: grid.net.xml, fcd.xml, edgedata.xml" % o.out, file=sys.stderr)


if __name__ == "__main__":
    main()
