#!/usr/bin/python3
"""Convert scikit-learn's 8x8 digits (Debian python3-sklearn) to CSV, once.

Writes, next to this script:
  digits.csv  1797 rows of 64 pixel values in [0, 1] (the 0..16 counts / 16),
              row-major 8x8, in scikit-learn's order; the `dataset` input of
              .snn reads it directly;
  labels.csv  the 1797 labels (0..9), one per line, in the same order.

Run with Debian's Python: /usr/bin/python3 testdata/digits/convert.py
"""
import os

from sklearn.datasets import load_digits

here = os.path.dirname(os.path.abspath(__file__))
d = load_digits()
with open(os.path.join(here, "digits.csv"), "w") as f:
    for row in d.data:
        f.write(",".join("%g" % (v / 16) for v in row) + "\n")
with open(os.path.join(here, "labels.csv"), "w") as f:
    for y in d.target:
        f.write("%d\n" % y)
