#!/usr/bin/env bash
# Data flows one way (docs/internals.md): readers and writers sit around the model and the pure
# engines, front ends on top. This test fails when a source breaks that direction. It decides
# in two independent ways:
#
# 1. Includes (the text of every file under src/ and include/gridsplit/): each file has a layer
#    from its folder:
#      model   src/model/, and the public headers the model owns (MODEL_HEADERS below)
#      engine  src/load sim net market flex plan site econ supply/, and every other
#              include/gridsplit/*.h (pure types and engine entry points)
#      read    src/read/, include/gridsplit/read/       write  src/write/, include/gridsplit/write/
#      embed   src/embed/ (the files built into the binary)
#      front   src/cli/, src/daemon/
#    A model file may include model headers only; an engine file model and engine headers; a
#    reader anything but writers and front ends; a writer anything but readers and front ends.
# 2. Symbols (what each object file of the built library calls): `nm` lists, for every object
#    in the library's build folder, the global symbols it defines and the ones it needs; a
#    needed symbol defined by an object of a layer the rules above forbid fails the test (a
#    call through a local prototype would pass check 1 but not this one). Among engine objects
#    the call graph must have no cycle.
set -euo pipefail
SRC=${GS_SRC:?GS_SRC must name the source tree}
BUILD=${GS_BUILD:?GS_BUILD must name the build tree}
command -v nm > /dev/null || { echo "nm (binutils) is needed" >&2; exit 1; }
OBJDIR="$BUILD/CMakeFiles/gridsplit.dir"
[ -d "$OBJDIR/src" ] || { echo "no library objects under $OBJDIR/src" >&2; exit 1; }

NMFILE=$(mktemp)
trap 'rm -f "$NMFILE"' EXIT
(cd "$OBJDIR" && find . -name '*.o' | LC_ALL=C sort | while read -r o; do
    echo "@@ ${o#./}"
    nm -g "$o"
done) > "$NMFILE"

python3 - "$SRC" "$NMFILE" <<'EOF'
import os, re, sys
src, nmfile = sys.argv[1], sys.argv[2]
MODEL_HEADERS = {"error.h", "fleet.h", "series.h", "time.h", "tz.h", "duration.h", "event.h"}
ENGINES = {"load", "sim", "net", "market", "flex", "plan", "site", "econ", "supply"}
ALLOWED = {
    "model": {"model"},
    "engine": {"model", "engine"},
    "read": {"model", "engine", "read", "embed"},
    "write": {"model", "engine", "write", "embed"},
    "embed": {"embed"},
    "front": {"model", "engine", "read", "write", "embed", "front"},
}

def layer_of_src(rel):  # rel: path under src/, e.g. "model/fleet.c"
    top = rel.split("/")[0]
    if top == "model": return "model"
    if top in ENGINES: return "engine"
    if top in ("read", "write", "embed"): return top
    if top in ("cli", "daemon"): return "front"
    return None

def layer_of_public(rel):  # rel: path under include/gridsplit/
    if rel.startswith("read/"): return "read"
    if rel.startswith("write/"): return "write"
    return "model" if rel in MODEL_HEADERS else "engine"

def layer_of_include(name):
    if name.startswith("gridsplit/"):
        rel = name[len("gridsplit/"):]
        return layer_of_public(rel) if os.path.exists(os.path.join(src, "include/gridsplit", rel)) else None
    return layer_of_src(name) if os.path.exists(os.path.join(src, "src", name)) else None

bad = []
files = []
for root, _, names in os.walk(os.path.join(src, "src")):
    for n in names:
        if n.endswith((".c", ".h")):
            p = os.path.join(root, n)
            files.append((os.path.relpath(p, src), layer_of_src(os.path.relpath(p, os.path.join(src, "src")))))
for root, _, names in os.walk(os.path.join(src, "include/gridsplit")):
    for n in names:
        if n.endswith(".h"):
            p = os.path.join(root, n)
            files.append((os.path.relpath(p, src), layer_of_public(os.path.relpath(p, os.path.join(src, "include/gridsplit")))))
unknown = [f for f, l in files if l is None]
if unknown:
    bad.append("files in no known layer (add their folder to this test and docs/internals.md): " + ", ".join(unknown))
checked = 0
for f, lay in files:
    if lay is None: continue
    for m in re.finditer(r'^\s*#\s*include\s+"([^"]+)"', open(os.path.join(src, f)).read(), re.M):
        inc = m.group(1)
        il = layer_of_include(inc)
        checked += 1
        if il is None:
            if not inc.startswith(("gridsplit/", "model/", "read/", "write/", "embed/", "cli/", "daemon/")) and not any(inc.startswith(e + "/") for e in ENGINES):
                continue  # a header beside the file, or generated
            bad.append(f"{f}: includes \"{inc}\", which does not exist")
        elif il not in ALLOWED[lay]:
            bad.append(f"{f} ({lay}) includes \"{inc}\" ({il})")

# symbols
defs, needs, obj_layer = {}, {}, {}
cur = None
for line in open(nmfile):
    line = line.rstrip("\n")
    if line.startswith("@@ "):
        cur = line[3:]
        if cur.startswith("src/") and not os.path.exists(os.path.join(src, cur[:-2])):
            cur = None  # a stale object of a source that no longer exists
            continue
        rel = cur[len("src/"):] if cur.startswith("src/") else None
        obj_layer[cur] = layer_of_src(rel) if rel else "embed"  # gs_assets.c.o: the embedded files
        needs[cur] = set()
        continue
    parts = line.split()
    if cur is None:
        continue
    if len(parts) == 2 and parts[0] == "U":
        needs[cur].add(parts[1])
    elif len(parts) == 3 and parts[1] in "TDBRVWCG":
        defs.setdefault(parts[2], cur)
calls = 0
graph = {}
for o, syms in needs.items():
    lay = obj_layer[o]
    for s in syms:
        d = defs.get(s)
        if d is None or d == o: continue
        calls += 1
        dl = obj_layer[d]
        if dl not in ALLOWED.get(lay, set()):
            bad.append(f"{o} ({lay}) uses {s}, defined in {d} ({dl})")
        if lay == "engine" and dl == "engine":
            graph.setdefault(o, set()).add(d)
# cycles among engine objects
state, stack = {}, []
def visit(n):
    state[n] = 1; stack.append(n)
    for m in sorted(graph.get(n, ())):
        if state.get(m) == 1:
            bad.append("engine call cycle: " + " -> ".join(stack[stack.index(m):] + [m]))
        elif not state.get(m):
            visit(m)
    stack.pop(); state[n] = 2
for n in sorted(graph):
    if not state.get(n): visit(n)

if bad:
    print("layering: %d violation(s)" % len(bad))
    for b in bad: print("  " + b)
    sys.exit(1)
print(f"layering: {len(files)} files, {checked} includes and {calls} cross-object symbol uses follow the direction; {len(obj_layer)} objects")
EOF

# 3. The layout, docs/internals.md and the files' opening comments agree: every source file opens
#    with a comment naming itself ("/* name.c: ...") or, for a public header, "/* gridsplit ...";
#    every folder under src/ is drawn in docs/internals.md; and every source path that a comment
#    or a doc names exists.
cd "$SRC"
fail=0
for f in $(find src -name '*.[ch]') $(find include -name '*.h'); do
    first=$(head -1 "$f")
    case "$first" in "/* $(basename "$f"):"*|"/* $(basename "$f") ("*|"/* gridsplit "*) ;; *) echo "layering: $f does not open with '/* $(basename "$f"): ...'"; fail=1;; esac
done
for d in $(find src -mindepth 1 -maxdepth 1 -type d | sort); do
    grep -q "$d/" docs/internals.md || { echo "layering: docs/internals.md does not draw $d/"; fail=1; }
done
for p in $(grep -rhoE "include/gridsplit/[a-z/_]+\.h|gridsplit/[a-z_]+/[a-z_]+\.h|src/[a-z]+/[a-z_]+\.[ch]" src include docs README.md | sort -u); do
    q=$p; case $p in gridsplit/*) q=include/$p;; esac
    [ -e "$q" ] || { echo "layering: '$p' is named in a comment or doc but does not exist"; fail=1; }
done
exit $fail
