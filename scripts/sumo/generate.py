#!/usr/bin/env python3
"""
A SUMO scenario for `v2x eval traffic --truth` (issue 20): a network made with SUMO's own tools,
random demand, two incidents, FCD (geo) and per-edge truth. Rerun it with scripts/sumo/run.sh
(it installs eclipse-sumo into a venv under /tmp; nothing of it is committed).

  netgenerate  --type grid (default): N x N grid (default 7), 200 m blocks; the middle row and column (3 and D) primary
               (2 lanes, 50 km/h), the lines two away from them (1, 5, B, F) secondary (1 lane,
               50 km/h), the rest residential (1 lane, 30 km/h); traffic lights where secondary or
               primary roads cross (9 on the 7 x 7 grid)
               --type spider or rand: netgenerate's spider web (7 arms, 5 rings 150 m apart) or random
               network (seeded), 1 or 2 lanes drawn at random (2 lanes 50 km/h, 1 lane 40 km/h),
               signals where netgenerate's --tls.guess puts them; networks nobody tuned on
  netconvert   the network placed around Munich (lon/lat nodes, --proj.utm), so FCD has geo output
  randomTrips  trips over the whole run (period 2.2 s by default: about 1,600 vehicles an hour)
  incidents    a full closure of a two-lane arterial (two stopped vehicles block both lanes of the
               primary edge into the centre, C3D3, from 25% to 50% of the run: 900-1800 s of an
               hour) and a breakdown on a one-lane road (E4E5, 40% to 60% of the run); on spider
               and rand: the most used two-lane edge of the demand closed, the most used one-lane
               edge not touching it broken down, at the same times
  sumo         --fcd-output (geo, 1 s) and edgeData every 10 s (the truth)

Usage: generate.py OUT_DIR [--type grid|spider|rand] [--seed N] [--period S] [--end S] [--grid N] [--block M]
The network is OUT_DIR/grid.net.xml (grid) or OUT_DIR/<type>.net.xml.
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


def letter(i):
    return chr(ord("A") + i)


def classify(edge_id, n):
    """(type, lanes, speed m/s) of a grid edge like 'C3D3' from its two junction ids."""
    a, b = edge_id[:2], edge_id[2:]
    horizontal = a[1] == b[1]
    k = int(a[1]) if horizontal else ord(a[0]) - ord("A")
    mid = n // 2
    if k == mid:
        return "highway.primary", 2, 13.89
    if abs(k - mid) == 2:
        return "highway.secondary", 1, 13.89
    return "highway.residential", 1, 8.33


def make_grid(o, p, lines):
    """The 7 x 7 grid of issue 20: road classes by line, signals where the classified lines cross."""
    run(["netgenerate", "--grid", "--grid.number", str(o.grid), "--grid.length", str(o.block), "--no-turnarounds", "true",
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
        signal = (ord(nid[0]) - ord("A")) in lines and int(nid[1:]) in lines
        n.set("type", "traffic_light" if signal else "priority")
    nodes.write(p("plain.nod.xml"))
    edges = ET.parse(p("plain.edg.xml"))
    for e in edges.getroot().iter("edge"):
        typ, lanes, speed = classify(e.get("id"), o.grid)
        e.set("type", typ)
        e.set("numLanes", str(lanes))
        e.set("speed", str(speed))
        for lane in list(e.findall("lane")):
            e.remove(lane)
    edges.write(p("plain.edg.xml"))
    run(["netconvert", "--node-files", p("plain.nod.xml"), "--edge-files", p("plain.edg.xml"), "--proj.utm", "true",
         "--no-turnarounds", "true", "--tls.default-type", "static", "-o", p("grid.net.xml")])



def make_other(o, p):
    """netgenerate's spider or random network, lanes drawn at random, signals guessed, placed at LON0/LAT0."""
    shape = (["--spider", "--spider.arm-number", "7", "--spider.circle-number", "5", "--spider.space-radius", "150",
              "--spider.omit-center", "true"] if o.type == "spider" else
             ["--rand", "--rand.iterations", "120", "--rand.min-distance", "120", "--rand.max-distance", "300",
              "--rand.connectivity", "0.95"])
    run(["netgenerate"] + shape + ["--seed", str(o.seed), "--default.lanenumber", "2", "--random-lanenumber", "true",
         "--default.speed", "13.89", "--tls.guess", "true", "--no-turnarounds", "true", "-o", p("raw.net.xml")])
    run(["netconvert", "--sumo-net-file", p("raw.net.xml"), "--plain-output-prefix", p("plain")])
    cos = math.cos(math.radians(LAT0))
    nodes = ET.parse(p("plain.nod.xml"))
    for loc in nodes.getroot().findall("location"):
        nodes.getroot().remove(loc)
    for n in nodes.getroot().iter("node"):
        x, y = float(n.get("x")), float(n.get("y"))
        n.set("x", "%.7f" % (LON0 + x / (M_PER_DEG_LAT * cos)))
        n.set("y", "%.7f" % (LAT0 + y / M_PER_DEG_LAT))
    nodes.write(p("plain.nod.xml"))
    edges = ET.parse(p("plain.edg.xml"))
    for e in edges.getroot().iter("edge"):
        lanes = int(e.get("numLanes", "1"))
        e.set("speed", "13.89" if lanes >= 2 else "11.11")
        for lane in list(e.findall("lane")):
            e.remove(lane)
    edges.write(p("plain.edg.xml"))
    run(["netconvert", "--node-files", p("plain.nod.xml"), "--edge-files", p("plain.edg.xml"), "--proj.utm", "true",
         "--no-turnarounds", "true", "--tls.default-type", "static", "-o", p("%s.net.xml" % o.type)])


def grid_incidents(o, mid, c0, c1, b0, b1):
    """Both lanes of the primary edge into the centre closed; a breakdown north-east of it."""
    L, M, R = letter(mid - 1), letter(mid), letter(mid + 1)
    closure = "%s%d%s%d" % (L, mid, M, mid)
    after = "%s%d%s%d" % (M, mid, R, mid)
    pos = o.block * 0.6
    blocks = []
    for lane in (0, 1):
        blocks.append("""    <vehicle id="closure_lane%d" type="blocker" depart="%d" departLane="%d" departPos="%.0f" departSpeed="0">
        <route edges="%s %s"/>
        <stop lane="%s_%d" endPos="%.0f" duration="%d"/>
    </vehicle>""" % (lane, c0 - 20, lane, pos - 20, closure, after, closure, lane, pos, c1 - c0 + 20))
    if mid + 3 <= o.grid - 1:
        e1 = "%s%d%s%d" % (R, mid + 1, R, mid + 2)
        e2 = "%s%d%s%d" % (R, mid + 2, R, mid + 3)
        blocks.append("""    <vehicle id="breakdown" type="blocker" depart="%d" departLane="0" departPos="%.0f" departSpeed="0">
        <route edges="%s %s"/>
        <stop lane="%s_0" endPos="%.0f" duration="%d"/>
    </vehicle>""" % (b0 - 20, o.block * 0.4, e1, e2, e1, o.block * 0.5, b1 - b0 + 20))
    return blocks


def busiest_incidents(p, net, c0, c1, b0, b1):
    """The most used two-lane edge (at least 100 m) closed, the most used one-lane edge not touching it broken down."""
    use = {}
    for r in ET.parse(p("routes.rou.xml")).getroot().iter("route"):
        for e in r.get("edges", "").split():
            use[e] = use.get(e, 0) + 1
    info = {}
    for e in ET.parse(net).getroot().iter("edge"):
        if e.get("function") == "internal":
            continue
        lanes = e.findall("lane")
        info[e.get("id")] = (len(lanes), float(lanes[0].get("length")), e.get("from"), e.get("to"))
    ranked = sorted((e for e in use if e in info and info[e][1] >= 100), key=lambda e: -use[e])
    two = [e for e in ranked if info[e][0] >= 2]
    if not two:
        sys.exit("no two-lane edge of at least 100 m carries demand: try another --seed")
    closure = two[0]
    ends = {info[closure][2], info[closure][3]}
    one = [e for e in ranked if info[e][0] == 1 and not ({info[e][2], info[e][3]} & ends)]
    n, length = info[closure][0], info[closure][1]
    blocks = []
    for lane in range(n):
        blocks.append("""    <vehicle id="closure_lane%d" type="blocker" depart="%d" departLane="%d" departPos="%.0f" departSpeed="0">
        <route edges="%s"/>
        <stop lane="%s_%d" endPos="%.0f" duration="%d"/>
    </vehicle>""" % (lane, c0 - 20, lane, length * 0.6 - 20, closure, closure, lane, length * 0.6, c1 - c0 + 20))
    if one:
        e1, l1 = one[0], info[one[0]][1]
        blocks.append("""    <vehicle id="breakdown" type="blocker" depart="%d" departLane="0" departPos="%.0f" departSpeed="0">
        <route edges="%s"/>
        <stop lane="%s_0" endPos="%.0f" duration="%d"/>
    </vehicle>""" % (b0 - 20, l1 * 0.3, e1, e1, l1 * 0.5, b1 - b0 + 20))
    print("incidents: closure of %s (%d lanes), breakdown on %s" % (closure, n, one[0] if one else "-"), file=sys.stderr)
    return blocks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--period", type=float, default=2.2)
    ap.add_argument("--end", type=int, default=3600)
    ap.add_argument("--grid", type=int, default=7)
    ap.add_argument("--block", type=int, default=200)
    ap.add_argument("--type", choices=("grid", "spider", "rand"), default="grid")
    o = ap.parse_args()
    if not 3 <= o.grid <= 10:
        sys.exit("--grid must be 3..10")
    mid = o.grid // 2
    lines = {mid, mid - 2, mid + 2}
    os.makedirs(o.out, exist_ok=True)
    p = lambda name: os.path.join(o.out, name)

    net = p("%s.net.xml" % o.type)
    if o.type == "grid":
        make_grid(o, p, lines)
    else:
        make_other(o, p)

    # 3. demand
    tools = tools_dir()
    run([sys.executable, os.path.join(tools, "randomTrips.py"), "-n", net, "-o", p("trips.xml"),
         "-r", p("routes.rou.xml"), "--seed", str(o.seed), "-e", str(o.end), "-p", str(o.period),
         "--min-distance", str(3 * o.block), "--validate", "--fringe-factor", "5"])

    # 4. incidents
    c0, c1 = int(o.end * 0.25), int(o.end * 0.5)
    b0, b1 = int(o.end * 0.4), int(o.end * 0.6)
    blocks = grid_incidents(o, mid, c0, c1, b0, b1) if o.type == "grid" else busiest_incidents(p, net, c0, c1, b0, b1)
    with open(p("incidents.rou.xml"), "w") as f:
        f.write('<routes>\n    <vType id="blocker" vClass="passenger" length="4.5" color="1,0,0"/>\n%s\n</routes>\n' % "\n".join(blocks))
    with open(p("truth.add.xml"), "w") as f:
        f.write('<additional>\n    <edgeData id="truth" file="edgedata.xml" period="10" excludeEmpty="true"/>\n</additional>\n')

    # 5. simulate: FCD with geo coordinates, edgeData truth
    run(["sumo", "-n", net, "-r", p("routes.rou.xml") + "," + p("incidents.rou.xml"),
         "-a", p("truth.add.xml"), "--begin", "0", "--end", str(o.end + 600), "--seed", str(o.seed),
         "--fcd-output", p("fcd.xml"), "--fcd-output.geo", "true", "--time-to-teleport", str(max(300, c1 - c0 + 300)),
         "--no-step-log", "true", "--duration-log.statistics", "true"])
    print("wrote %s: %s, fcd.xml, edgedata.xml" % (o.out, os.path.basename(net)), file=sys.stderr)


if __name__ == "__main__":
    main()
