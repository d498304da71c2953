#!/usr/bin/env python3
"""Counts reading defects in the units unspace stores, for the closing note of a
reading change: run it on dumps made before and after (`--dump`), compare.

    bench/reading_defects.py --dump BINARY DATA OUT   # one JSON line per unit, per document
    bench/reading_defects.py OUT [OUT2 ...]            # counts per language

Counted per language over every unit text:
- contents: lines of a table of contents (leader dots or ellipses before a page number);
- hyphen-broken: `main-tained` — a hyphenated form whose joined form is found more
  often in the corpus than the hyphenated one (`long-term` is not counted);
- space-split: `sûre té` — two tokens whose joined form is a corpus word, one of them
  found nowhere else as a word;
- glued markers: a number glued to the end of a word in lower case (`Goals2`);
- headings-as-paragraphs: a unit under a heading whose text starts in lower case, or a
  unit whose whole text is a short line without closing punctuation.
The lexicon is every word of every dump given, so before and after are judged alike
when both are passed.
"""
import collections
import json
import os
import re
import subprocess
import sys

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
HYPHEN = re.compile(r"\b([^\W\d_]{2,})-([^\W\d_]{2,})\b")
GLUED = re.compile(r"\b[^\W\d_]*[a-zа-яéèàçñ][^\W\d_]{2,}?(\d{1,3})\b")
SPACED = re.compile(r"(?<![^\W\d_])(?=([^\W\d_]+) ([^\W\d_]+)(?![^\W\d_]))")
CONTENTS = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$|…{2,}\s*\d+\s*$|\.{4,}")


def dump(binary, data, out):
    os.makedirs(out, exist_ok=True)
    index = out.rstrip("/") + ".index"
    common = [binary, "--data", data, "--index", index]
    subprocess.run(common + ["index"], capture_output=True)
    listed = json.loads(subprocess.run(common + ["list", "--json"], capture_output=True, text=True).stdout)
    for doc in listed:
        for lang in doc["languages"]:
            shown = subprocess.run(common + ["show", doc["id"], "--lang", lang, "--json", "--no-pager"],
                                   capture_output=True, text=True)
            units = json.loads(shown.stdout)["paragraphs"]
            name = re.sub(r"[/ ]", "_", doc["id"])
            with open(os.path.join(out, f"{name}.{lang}.jsonl"), "w") as f:
                for u in units:
                    f.write(json.dumps({"ref": u["ref"], "heading": u.get("heading"), "text": u["text"]},
                                       ensure_ascii=False) + "\n")


def units(folder):
    for name in sorted(os.listdir(folder)):
        if name.endswith(".jsonl"):
            lang = name.rsplit(".", 2)[1]
            with open(os.path.join(folder, name)) as f:
                for line in f:
                    yield lang, json.loads(line)


def main(folders):
    lexicon, hyphenated = collections.Counter(), collections.Counter()
    for folder in folders:
        for _, u in units(folder):
            lexicon.update(w.lower() for w in WORD.findall(u["text"]))
            hyphenated.update(f"{a}-{b}".lower() for a, b in HYPHEN.findall(u["text"]))
    for folder in folders:
        counts = collections.defaultdict(collections.Counter)
        for lang, u in units(folder):
            text, c = u["text"], counts[lang]
            c["units"] += 1
            c["contents"] += sum(1 for line in text.split("\n") if CONTENTS.search(line))
            for a, b in HYPHEN.findall(text):
                if b[0].islower() and lexicon[(a + b).lower()] > hyphenated[f"{a}-{b}".lower()]:
                    c["hyphen-broken"] += 1
            for m in SPACED.finditer(text):
                a, b = m.group(1), m.group(2)
                joined = (a + b).lower()
                if b[0].islower() and lexicon[joined] > 0 and min(lexicon[a.lower()], lexicon[b.lower()]) <= 1:
                    c["space-split"] += 1
            c["glued markers"] += len(GLUED.findall(text))
            first = text.lstrip()[:1]
            lone = len(text) < 60 and "\n" not in text and not re.search(r"[.;:,。；：，!?]\s*$", text)
            if (u.get("heading") and first.islower()) or lone:
                c["headings-as-paragraphs"] += 1
        print(f"== {folder}")
        keys = ["units", "contents", "hyphen-broken", "space-split", "glued markers", "headings-as-paragraphs"]
        print("lang  " + "  ".join(f"{k:>22}" for k in keys))
        total = collections.Counter()
        for lang in sorted(counts):
            total.update(counts[lang])
            print(f"{lang:5} " + "  ".join(f"{counts[lang][k]:>22}" for k in keys))
        print("all   " + "  ".join(f"{total[k]:>22}" for k in keys))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--dump":
        dump(*sys.argv[2:])
    elif len(sys.argv) >= 2:
        main(sys.argv[1:])
    else:
        sys.exit(__doc__)
