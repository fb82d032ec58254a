#!/usr/bin/env python3
"""Derive the compact unit tables shipped in ykien-units from ../shared/data/units.

Run from the repository root:  python3 crates/ykien-units/data/extract.py [DATA_DIR]
DATA_DIR defaults to $YKIEN_DATA or ../shared/data. Output is deterministic (sorted).
Sources (MIT, see ATTRIBUTION.md): vietnamadminunits 1.0.4, dvhcvn/20250701 @dd94887.
"""
import csv, json, os, sys

data = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("YKIEN_DATA", "../shared/data")
src = os.path.join(data, "units")
out = os.path.dirname(os.path.abspath(__file__))

def jl(s):
    return "|".join(json.loads(s)) if s else ""

def write(name, header, rows):
    with open(os.path.join(out, name), "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for r in sorted(rows):
            assert all("\t" not in str(c) and "\n" not in str(c) for c in r), r
            f.write("\t".join(str(c) for c in r) + "\n")

new = list(csv.DictReader(open(os.path.join(src, "vietnamadminunits/admin_units.csv"), encoding="utf-8")))
provinces = {}
communes = []
for x in new:
    provinces[x["provinceCode"]] = (x["provinceCode"], x["province"], x["provinceShort"], x["provinceLat"], x["provinceLon"], jl(x["provinceKeywords"]))
    communes.append((x["wardCode"], x["ward"], x["wardShort"], x["wardType"], x["provinceCode"], x["wardLat"], x["wardLon"], x["wardAreaKm2"], jl(x["wardKeywords"])))
write("provinces_2025.tsv", ["code", "name", "short", "lat", "lon", "keys"], provinces.values())
write("communes_2025.tsv", ["code", "name", "short", "kind", "province", "lat", "lon", "area_km2", "keys"], communes)

old = list(csv.DictReader(open(os.path.join(src, "vietnamadminunits/admin_units_legacy.csv"), encoding="utf-8")))
lp, ld, lw = {}, {}, []
for x in old:
    lp[x["provinceCode"]] = (x["provinceCode"], x["province"], x["provinceShort"], x["provinceLat"], x["provinceLon"], jl(x["provinceKeywords"]))
    ld[x["districtCode"]] = (x["districtCode"], x["district"], x["districtShort"], x["districtType"], x["provinceCode"], x["districtLat"], x["districtLon"], jl(x["districtKeywords"]))
    if x["wardCode"]:
        lw.append((x["wardCode"], x["ward"], x["wardShort"], x["wardType"], x["districtCode"], x["provinceCode"], x["wardLat"], x["wardLon"], jl(x["wardKeywords"])))
write("legacy_provinces.tsv", ["code", "name", "short", "lat", "lon", "keys"], lp.values())
write("legacy_districts.tsv", ["code", "name", "short", "kind", "province", "lat", "lon", "keys"], ld.values())
write("legacy_communes.tsv", ["code", "name", "short", "kind", "district", "province", "lat", "lon", "keys"], lw)

new_codes = {c[0] for c in communes}
old_codes = {w[0] for w in lw}
merges = json.load(open(os.path.join(src, "dvhcvn-20250701/mapping/merges.json"), encoding="utf-8"))["data"]
# One known code disagreement between the two sources (Xã Ia Mơ, Gia Lai): the GSO list says 23938.
fix = {"23737": "23938"}
cross, pcross = set(), set()
for p in merges:
    for m in p["merges"]:
        pcross.add((m["old_id"], p["level1_id"]))
    for w in p["level2s"]:
        nc = fix.get(w["level2_id"], w["level2_id"])
        assert nc in new_codes, w
        for m in w["merges"]:
            if m["old_id"] in old_codes:
                cross.add((m["old_id"], nc, m["type"]))
write("commune_crosswalk.tsv", ["old", "new", "kind"], cross)
write("province_crosswalk.tsv", ["old", "new"], pcross)
print(f"provinces {len(provinces)} communes {len(communes)} legacy provinces {len(lp)} districts {len(ld)} communes {len(lw)} crosswalk {len(cross)}")
missing = old_codes - {c[0] for c in cross}
print(f"legacy communes without successor: {len(missing)}")
