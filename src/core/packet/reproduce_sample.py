#!/usr/bin/env python3
"""Re-derives the audit sample of this packet from its records, with nothing but Python 3.

Run it from anywhere:  python3 data/audit/reproduce_sample.py
Reads data/sample.json and data/records/status.csv, recomputes every requirement's population,
its hash and its picks by the procedure sample.json states, and compares them with
sample.json. A seed sample.json says was derived is derived again from data/audit/checkpoint.txt.
Exits 0 only when everything matches; otherwise names what differs.
"""
import csv
import hashlib
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)


def unneutralise(text):
    # Spreadsheet-safe cells: text that began with = + - @ tab or CR got a leading apostrophe.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return text[1:]
    return text


def sample_size(rule, population):
    kind = rule["kind"]
    if kind == "all":
        return population
    if kind == "fixed":
        return rule["size"]
    n = math.ceil(math.log(1 - rule["confidence"]) / math.log(1 - rule["tolerableRate"]) - 1e-9)
    return n


def main():
    with open(os.path.join(DATA, "sample.json"), encoding="utf-8") as f:
        sample = json.load(f)
    populations = {}
    with open(os.path.join(DATA, "records", "status.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if unneutralise(row["status"]) == "not_applicable":
                continue
            requirement = unneutralise(row["requirement_id"])
            populations.setdefault(requirement, set()).add(unneutralise(row["record_id"]))
    seed = sample["seed"]
    failures = 0
    if sample.get("seedSource") == "derived":
        with open(os.path.join(HERE, "checkpoint.txt"), encoding="utf-8") as f:
            origin, size, root = f.read().split("\n")[:3]
        vault = origin.rsplit("/", 1)[-1]
        expected = hashlib.sha256(("custodian sample seed v2\n%s\n%s\n%s\n" % (vault, size, root)).encode("utf-8")).hexdigest()[:32]
        if expected != seed:
            failures += 1
            print("seed: MISMATCH (sample.json says it was derived from the checkpoint, but it is not)")
        else:
            print("seed: derived from the audit-log checkpoint, as sample.json says")
    else:
        print("seed: CHOSEN by whoever built the packet (%s), not derived: ask who chose it and when" % seed)
    for entry in sample["requirements"]:
        requirement = entry["requirementId"]
        ids = sorted(populations.get(requirement, set()), key=lambda s: s.encode("utf-8"))
        digest = hashlib.sha256("".join(i + "\n" for i in ids).encode("utf-8")).hexdigest()
        n = min(sample_size(sample["rule"], len(ids)), len(ids))
        ranked = sorted(ids, key=lambda i: (hashlib.sha256((seed + "\n" + requirement + "\n" + i).encode("utf-8")).hexdigest(), i.encode("utf-8")))
        picks = sorted(ranked[:n], key=lambda s: s.encode("utf-8"))
        problems = []
        if len(ids) != entry["populationSize"]:
            problems.append("population size %d, sample.json says %d" % (len(ids), entry["populationSize"]))
        if digest != entry["populationSha256"]:
            problems.append("population hash differs")
        if picks != entry["picks"]:
            problems.append("picks differ")
        if problems:
            failures += 1
            print("%s: MISMATCH (%s)" % (requirement, "; ".join(problems)))
        else:
            print("%s: %d of %d picked, as sample.json says" % (requirement, len(picks), len(ids)))
    for requirement in sorted(set(populations) - {e["requirementId"] for e in sample["requirements"]}):
        failures += 1
        print("%s: in status.csv but not in sample.json" % requirement)
    if failures:
        print("The sample does NOT reproduce (%d requirement(s))." % failures)
        return 1
    print("The sample reproduces: every requirement's picks match.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
