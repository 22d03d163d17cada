#!/usr/bin/env bash
# underwrite_xlsx.sh: the spreadsheet of `gridsplit underwrite` (DIR/underwrite.xlsx,
# docs/underwrite.md "The spreadsheet") recalculated by LibreOffice gives gridsplit's own
# figures, and moves with its inputs.
#
# 1. gridsplit underwrites examples/underwrite/deal.yaml (two sites, flat prices),
#    examples/underwrite/campus-deal.yaml (one site with both classes: the contract sheet) and,
#    where ../shared/data is present, examples/underwrite/deal-2020-2024.yaml (five real price
#    years cycled by the sheet's INDEX/MOD, and the flex engine's figure of each beside them)
#    and deal-2020-2024-requests.yaml (Ashburn paid per request: served requests as
#    SUMPRODUCT over the demand shape), and examples/underwrite/deal-colocation.yaml (the
#    campus's inference hall leased per kW-month: rent and energy pass-through; and the same
#    with both halls leased, training's rent credited for its hours curtailed and paused for
#    the 4CP intervals). Two runs give byte-identical workbooks; every formula
#    in them carries a cached value, and the cached deal NPV is summary.json's.
# 2. Edited copies: the test rewrites input cells of the Inputs sheet inside the .xlsx
#    (discount_rate 8 % -> 10 %, a site's energy price, the flexibility revenue the flex engine
#    gave West Texas -> 30,000 USD per MW-year, the campus's facility capex per MW; with
#    ../shared/data the price of a request, the peak demand and its growth; the colocation
#    rent, its energy pass-through, true -> false, its escalator and the hours training pauses
#    for the 4CP intervals), leaving every
#    cached result stale; gridsplit also runs the same edits as deal files.
# 3. LibreOffice headless (a throwaway profile whose OOXMLRecalcMode is 0: always recalculate
#    on load) converts every sheet of every workbook to CSV. Compared, to the cent: each
#    Summary NPV with gridsplit's (the workbook's static column, at full precision, and
#    summary.json's, rounded to the dollar), PV costs, payback and cost per MWh and GPU-hour
#    with summary.json's rounding, IRR to 1e-6; every yearly row of every cash-flow sheet
#    (class, site total, deal total) with cashflow.csv, column by column; the campus's contract
#    PVs. The edited copies must give the edited deals' figures, the NPV having moved by more
#    than a million USD.
# 4. The same edited copy converted with recalculation off (OOXMLRecalcMode 1) still shows the
#    stale NPV: the recalculation in 3 is what moved it, so a formula that did not follow its
#    inputs would fail this test.
# Skips (77) without soffice (Debian libreoffice-calc-nogui), unless CI is set.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
GS_SHARED=${GS_SHARED:-$GS_SRC/../shared}
if ! command -v soffice > /dev/null 2>&1; then
    if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; then
        echo "underwrite_xlsx: soffice missing under CI (libreoffice-calc-nogui)" >&2
        exit 1
    fi
    echo "underwrite_xlsx: skipped, soffice (libreoffice-calc-nogui) missing" >&2
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_underwrite_xlsx.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/x" "$tmp/csv" "$tmp/stale"

# ---- 1 and 2: the gridsplit runs and the edited copies -----------------------------------
EX=$GS_SRC/examples/underwrite
"$GS_BIN" underwrite "$EX/deal.yaml" --out "$tmp/base" > "$tmp/base.txt"
"$GS_BIN" underwrite "$EX/deal.yaml" --out "$tmp/again" > /dev/null
cmp "$tmp/base/underwrite.xlsx" "$tmp/again/underwrite.xlsx"
grep -q "underwrite.xlsx" "$tmp/base.txt"
"$GS_BIN" underwrite "$EX/campus-deal.yaml" --out "$tmp/campus" > /dev/null
cp "$tmp/base/underwrite.xlsx" "$tmp/x/base.xlsx"
cp "$tmp/campus/underwrite.xlsx" "$tmp/x/campus.xlsx"
"$GS_BIN" underwrite "$EX/deal-colocation.yaml" --out "$tmp/colo" > /dev/null
cp "$tmp/colo/underwrite.xlsx" "$tmp/x/colo.xlsx"
real=0
if [ -d "$GS_SHARED/data/prices/US-TEX-ERCO" ]; then
    "$GS_BIN" underwrite "$EX/deal-2020-2024.yaml" --out "$tmp/real" > /dev/null
    cp "$tmp/real/underwrite.xlsx" "$tmp/x/real.xlsx"
    "$GS_BIN" underwrite "$EX/deal-2020-2024-requests.yaml" --out "$tmp/req" > /dev/null
    cp "$tmp/req/underwrite.xlsx" "$tmp/x/req.xlsx"
    real=1
else
    echo "underwrite_xlsx: no $GS_SHARED/data/prices: the real-price workbook is not checked" >&2
fi

# The edits, applied to a deal file (as gridsplit reads it) and to the workbook's Inputs cells.
python3 - "$tmp" "$EX" "$real" <<'PY'
import os, re, sys, zipfile
tmp, ex, real = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
sys.path.insert(0, tmp)

def edit_deal(src, dst, top, site, site_keys):
    """Copy deal src to dst with the fleet path made absolute, top-level figures added and
    per-site keys set (the site's entry must exist; an existing key is replaced)."""
    text = open(src).read()
    m = re.search(r"^fleet:\s*(\S+)", text, re.M)
    assert m, src
    fleet = os.path.normpath(os.path.join(os.path.dirname(src), m.group(1)))
    text = text[:m.start(1)] + fleet + text[m.end(1):]
    for k in top:
        assert not re.search(rf"^{k}:", text, re.M), (src, k)
    text = re.sub(r"^(horizon_years:.*)$", lambda mm: mm.group(1) + "".join(
        f"\n{k}: {v}" for k, v in top.items()), text, count=1, flags=re.M)
    m = re.search(rf"^(\s*)- id: {re.escape(site)}\s*$", text, re.M)
    assert m, (src, site)
    indent = m.group(1) + "  "
    end = text.find("\n", m.end())
    end = len(text) if end < 0 else end
    block_end = re.compile(rf"^{re.escape(m.group(1))}- id:|^\S", re.M).search(text, end + 1)
    block_end = block_end.start() if block_end else len(text)
    block = text[end:block_end]
    for k, v in site_keys.items():
        if re.search(rf"^\s*{k}:", block, re.M):
            block = re.sub(rf"^(\s*{k}:)[^#\n]*", rf"\g<1> {v} ", block, count=1, flags=re.M)
        else:
            block = f"\n{indent}{k}: {v}" + block
    open(dst, "w").write(text[:end] + block + text[block_end:])

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

def edit_xlsx(src, dst, cells):
    """Copy workbook src to dst with the Inputs rows whose column A is a key of cells given
    that value in column B. Only those <v> change: every cached result stays as it was."""
    import xml.etree.ElementTree as ET
    z = zipfile.ZipFile(src)
    strings = ["".join(t.text or "" for t in si.iter(NS + "t"))
               for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(NS + "si")]
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    names = [s.get("name") for s in wb.iter(NS + "sheet")]
    part = f"xl/worksheets/sheet{names.index('Inputs') + 1}.xml"
    xml = z.read(part).decode()
    done = set()
    for m in re.finditer(r'<c r="A(\d+)"[^>]*t="s"[^>]*><v>(\d+)</v></c>', xml):
        key = strings[int(m.group(2))]
        if key in cells:
            row = m.group(1)
            pat = re.compile(rf'(<c r="B{row}"[^>]*><v>)[^<]*(</v></c>)')
            xml, n = pat.subn(lambda mm: mm.group(1) + repr(float(cells[key])) + mm.group(2),
                              xml)
            assert n == 1, (key, row)
            done.add(key)
    assert done == set(cells), (src, set(cells) - done)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            out.writestr(info, xml.encode() if info.filename == part else data)

edit_deal(f"{ex}/deal.yaml", f"{tmp}/base_var.yaml", {"discount_rate": 0.10}, "west-texas",
          {"price_usd_per_mwh": 50, "flex_usd_per_mw_year": 30000})
edit_xlsx(f"{tmp}/x/base.xlsx", f"{tmp}/x/base_edit.xlsx",
          {"discount_rate": 0.10, "west-texas price": 50,
           "west-texas flex_usd_per_mw_year": 30000})
if real:
    # per request: 0.5 USD per 1000 requests instead of 0.22 per million tokens, 250,000
    # requests/s at the peak, growing 5 % a year
    text = open(f"{ex}/deal-2020-2024-requests.yaml").read()
    for a, b in (("inference_usd_per_million_tokens: 0.22", "inference_usd_per_1000_requests: 0.5"),
                 ("peak_requests_per_s: 200000", "peak_requests_per_s: 250000"),
                 ("growth: 0.10", "growth: 0.05"),
                 ("fleet: fleet-2020-2024.yaml", f"fleet: {ex}/fleet-2020-2024.yaml")):
        assert text.count(a) == 1, a
        text = text.replace(a, b)
    open(f"{tmp}/req_var.yaml", "w").write(text)
    edit_xlsx(f"{tmp}/x/req.xlsx", f"{tmp}/x/req_edit.xlsx",
              {"ashburn inference usd_per_request": 0.0005,
               "ashburn inference demand_peak_rps year 1": 250000,
               "ashburn inference demand_growth": 0.05})
edit_deal(f"{ex}/campus-deal.yaml", f"{tmp}/campus_var.yaml", {"discount_rate": 0.10},
          "dallas", {"price_usd_per_mwh": 55, "facility_capex_usd_per_mw": 12000000})
edit_xlsx(f"{tmp}/x/campus.xlsx", f"{tmp}/x/campus_edit.xlsx",
          {"discount_rate": 0.10, "dallas price": 55,
           "dallas training facility_capex_usd_per_mw": 12000000,
           "dallas inference facility_capex_usd_per_mw": 12000000})
# colocation: the rent 184.06 -> 150 USD per kW-month, the energy no longer passed through
# (the operator pays it: the other branch of the energy formula), the lease's escalator 3 % ->
# 5 % and training pausing 12 h a year for the 4CP intervals instead of their 3.33
edit_deal(f"{ex}/deal-colocation.yaml", f"{tmp}/colo_var.yaml", {"colocation_escalation": 0.05},
          "dallas", {"colocation_usd_per_kw_month": 150,
                     "colocation_energy_pass_through": "false", "cp_pause_hours_per_year": 12})
edit_xlsx(f"{tmp}/x/colo.xlsx", f"{tmp}/x/colo_edit.xlsx",
          {"dallas inference colocation_usd_per_kw_month": 150,
           "dallas inference colocation_energy_pass_through": 0,
           "colocation_escalation": 0.05, "dallas cp_pause_hours": 12})
# both halls leased: training's rent credited for its hours off on its interruptible contract,
# in its sheet and in the contract sheet (checked as gridsplit computes it, no edit)
edit_deal(f"{ex}/deal-colocation.yaml", f"{tmp}/colo_all.yaml", {}, "dallas",
          {"colocation_classes": "all"})
PY
"$GS_BIN" underwrite "$tmp/base_var.yaml" --out "$tmp/base_var" > /dev/null
"$GS_BIN" underwrite "$tmp/campus_var.yaml" --out "$tmp/campus_var" > /dev/null
cp "$tmp/base_var/underwrite.xlsx" "$tmp/x/base_var.xlsx"
cp "$tmp/campus_var/underwrite.xlsx" "$tmp/x/campus_var.xlsx"
"$GS_BIN" underwrite "$tmp/colo_var.yaml" --out "$tmp/colo_var" > /dev/null
cp "$tmp/colo_var/underwrite.xlsx" "$tmp/x/colo_var.xlsx"
"$GS_BIN" underwrite "$tmp/colo_all.yaml" --out "$tmp/colo_all" > /dev/null
cp "$tmp/colo_all/underwrite.xlsx" "$tmp/x/colo_all.xlsx"
if [ "$real" = 1 ]; then
    "$GS_BIN" underwrite "$tmp/req_var.yaml" --out "$tmp/req_var" > /dev/null
    cp "$tmp/req_var/underwrite.xlsx" "$tmp/x/req_var.xlsx"
fi

# ---- 3 and 4: LibreOffice, with and without recalculation on load -------------------------
profile() { # $1: folder, $2: OOXMLRecalcMode (0 always, 1 never)
    mkdir -p "$1/user"
    cat > "$1/user/registrymodifications.xcu" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>$2</value></prop>
</item>
</oor:items>
EOF
}
# every sheet to its own CSV (token 12: -1), numbers at full precision (token 9: not as shown)
CSV='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'
profile "$tmp/lo-recalc" 0
profile "$tmp/lo-never" 1
timeout 300 soffice "-env:UserInstallation=file://$tmp/lo-recalc" --headless --norestore \
    --convert-to "$CSV" --outdir "$tmp/csv" "$tmp"/x/*.xlsx > "$tmp/soffice.log" 2>&1 ||
    { cat "$tmp/soffice.log" >&2; exit 1; }
timeout 300 soffice "-env:UserInstallation=file://$tmp/lo-never" --headless --norestore \
    --convert-to "$CSV" --outdir "$tmp/stale" "$tmp/x/base_edit.xlsx" > "$tmp/soffice2.log" 2>&1 ||
    { cat "$tmp/soffice2.log" >&2; exit 1; }

python3 - "$tmp" "$real" <<'PY'
import csv, glob, json, math, os, re, sys, zipfile
tmp, real = sys.argv[1], sys.argv[2] == "1"
checked = {"values": 0}

def sheets(folder, book):
    """LibreOffice's CSVs of one workbook: {sheet name: rows}."""
    out = {}
    for p in glob.glob(f"{folder}/{book}-*.csv"):
        name = os.path.basename(p)[len(book) + 1:-4]
        out[name] = list(csv.reader(open(p, encoding="utf-8")))
    assert "Summary" in out and "Inputs" in out, (book, sorted(out))
    return out

def num(s):
    s = s.strip()
    assert s and not s.startswith(("Err", "#")), f"not a number: {s!r}"
    return float(s[:-1]) / 100 if s.endswith("%") else float(s)

def near(a, b, tol, what):
    checked["values"] += 1
    assert abs(a - b) <= tol, f"{what}: spreadsheet {a!r}, gridsplit {b!r} (tolerance {tol})"

def table(rows, first):
    """The rows under the heading row whose column A is first, as dicts (until a blank)."""
    for i, r in enumerate(rows):
        if r and r[0] == first:
            head = r
            out = []
            for rr in rows[i + 1:]:
                if not rr or not rr[0]:
                    break
                out.append(dict(zip(head, rr)))
            return out
    raise AssertionError(f"no table headed {first!r}")

def check(book, run, label, static_book=None):
    """The recalculated workbook book against gridsplit's outputs in tmp/run and the static
    columns (gridsplit's figures at full precision) of static_book (default: book itself)."""
    sh = sheets(f"{tmp}/csv", book)
    st = sheets(f"{tmp}/csv", static_book or book)["Summary"]
    static = {(r["site"], r["class"]): r for r in table(st, "site")}
    j = json.load(open(f"{tmp}/{run}/summary.json"))
    flows = {}
    for r in csv.DictReader(open(f"{tmp}/{run}/cashflow.csv")):
        flows.setdefault((r["site"], r["class"]), []).append(r)
    metrics = {("all", "total"): j["total"]}
    for s in j["sites"]:
        for k in ("training", "inference", "total"):
            if k in s:
                metrics[(s["id"], k)] = s[k]
    summary = table(sh["Summary"], "site")
    assert {(r["site"], r["class"]) for r in summary} == set(metrics), (label, summary)
    for r in summary:
        key = (r["site"], r["class"])
        m, where = metrics[key], f"{label} {key}"
        npv = num(r["NPV (USD)"])
        near(npv, num(static[key]["gridsplit NPV (USD)"]), 0.01, where + " NPV vs gridsplit's")
        near(npv, m["npv_usd"], 0.51, where + " NPV vs summary.json")
        near(num(r["PV cost (USD)"]), m["pv_cost_usd"], 0.51, where + " PV cost")
        near(num(r["PV revenue incl. flex (USD)"]), m["pv_revenue_usd"], 0.51, where + " PV rev")
        near(num(r["cost (USD/MWh)"]), m["cost_usd_per_mwh"], 0.0051, where + " USD/MWh")
        near(num(r["cost (USD/GPU-hour)"]), m["cost_usd_per_gpu_hour"], 0.000051,
             where + " USD/GPU-h")
        if m["payback_years"] is None:
            assert r["payback (years)"] == "not reached", where
        else:
            near(num(r["payback (years)"]), m["payback_years"], 0.0051, where + " payback")
        irr = m["irr"]
        if irr["status"] == "ok":
            near(num(r["IRR"]), irr["rate"], 1e-6, where + " IRR")
            near(num(r["IRR"]), num(static[key]["gridsplit IRR"]), 1e-9, where + " IRR vs static")
        # every yearly row of the sheet, column by column, with cashflow.csv (to the cent)
        rows = table(sh[r["cash-flow sheet"]], "year")
        want = flows[key]
        assert len(rows) == len(want) == j["horizon_years"] + 1, (where, len(rows), len(want))
        for got, exp in zip(rows, want):
            assert int(num(got["year"])) == int(exp["year"]), where
            for col, v in exp.items():
                if col in ("site", "class", "year"):
                    continue
                near(num(got[col]), float(v), 0.01, f"{where} year {exp['year']} {col}")
    for s in j["sites"]:
        if s["contracts"] is None:
            continue
        def contracts(rows):
            start = next(i for i, rr in enumerate(rows) if rr and rr[0].startswith("Contracts"))
            return {r["contract"]: r for r in table(rows[start + 1:], "site")
                    if r["site"] == s["id"]}
        rows, srows = contracts(sh["Summary"]), contracts(st)
        assert len(rows) == 4, (label, rows)
        for r in rows.values():
            c = s["contracts"][r["contract"]]
            near(num(r["PV cost (USD)"]), num(srows[r["contract"]]["gridsplit PV cost (USD)"]),
                 0.01, f"{label} {s['id']} {r['contract']} PV cost vs static")
            near(num(r["PV cost (USD)"]), c["pv_cost_usd"], 0.51,
                 f"{label} {s['id']} {r['contract']} PV cost")
            near(num(r["saving vs firm_all (USD)"]), c["saving_vs_firm_usd"], 0.51,
                 f"{label} {s['id']} {r['contract']} saving")
    return num(next(r for r in summary if r["site"] == "all")["NPV (USD)"])

def cached(xlsx):
    """Every formula of the workbook has a cached value; returns the Summary's deal NPV cell's
    cached value (the 'all' row, column D)."""
    z = zipfile.ZipFile(xlsx)
    nf = 0
    for n in z.namelist():
        if n.startswith("xl/worksheets/sheet"):
            x = z.read(n).decode()
            nf += len(re.findall(r"<f>", x))
            bare = re.findall(r"<f>[^<]*</f></c>", x)
            assert not bare, (xlsx, n, bare[:2])
    assert nf > 100, (xlsx, nf)
    s = z.read("xl/worksheets/sheet1.xml").decode()
    strings = re.findall(r"<si><t[^>]*>([^<]*)</t></si>", z.read("xl/sharedStrings.xml").decode())
    for m in re.finditer(r'<c r="A(\d+)"[^>]*t="s"[^>]*><v>(\d+)</v></c>', s):
        if strings[int(m.group(2))] == "all":
            v = re.search(rf'<c r="D{m.group(1)}"[^>]*><f>[^<]*</f><v>([^<]*)</v></c>', s)
            return float(v.group(1))
    raise AssertionError("no deal row in the Summary")

# 1: cached values, without LibreOffice
base_json = json.load(open(f"{tmp}/base/summary.json"))
near(cached(f"{tmp}/x/base.xlsx"), base_json["total"]["npv_usd"], 0.51, "cached deal NPV")
cached(f"{tmp}/x/campus.xlsx")

# 3: recalculated
npv_base = check("base", "base", "deal.yaml")
check("campus", "campus", "campus-deal.yaml")
npv_colo = check("colo", "colo", "deal-colocation.yaml")
npv_colo_edit = check("colo_edit", "colo_var", "deal-colocation.yaml edited in the sheet",
                      "colo_var")
assert abs(npv_colo_edit - npv_colo) > 1e6, (npv_colo, npv_colo_edit)
check("colo_all", "colo_all", "deal-colocation.yaml with both halls leased")
if real:
    check("real", "real", "deal-2020-2024.yaml")
    check("req", "req", "deal-2020-2024-requests.yaml")
    npv_req = num(next(r for r in table(sheets(f"{tmp}/csv", "req")["Summary"], "site")
                       if r["site"] == "all")["NPV (USD)"])
    npv_req_edit = check("req_edit", "req_var", "deal-2020-2024-requests.yaml edited in the "
                         "sheet", "req_var")
    assert abs(npv_req_edit - npv_req) > 1e6, (npv_req, npv_req_edit)
npv_edit = check("base_edit", "base_var", "deal.yaml edited in the sheet", "base_var")
check("campus_edit", "campus_var", "campus-deal.yaml edited in the sheet", "campus_var")
check("base_var", "base_var", "the edited deal.yaml")
assert abs(npv_edit - npv_base) > 1e6, (npv_base, npv_edit)

# 4: not recalculated, the edited workbook still shows the stale NPV
stale = table(sheets(f"{tmp}/stale", "base_edit")["Summary"], "site")
stale_npv = num(next(r for r in stale if r["site"] == "all")["NPV (USD)"])
near(stale_npv, npv_base, 0.01, "the edited workbook without recalculation")
assert abs(stale_npv - npv_edit) > 1e6
print(f"underwrite_xlsx: {checked['values']} figures agree; deal NPV {npv_base:.2f} USD at "
      f"the deal's inputs, {npv_edit:.2f} USD after the edits")
PY
echo "underwrite_xlsx: ok"
