#!/usr/bin/python3
"""Write teacher.csv for hao2018.snn from testdata/digits/labels.csv: one row
per digit, one-hot on the label for the training rows (0..TRAIN-1), all
zeros for the rest (testing: the teacher is silent)."""
import os

TRAIN = 1000
here = os.path.dirname(os.path.abspath(__file__))
labels = [int(l) for l in open(os.path.join(here, "../../testdata/digits/labels.csv"))]
with open(os.path.join(here, "teacher.csv"), "w") as f:
    f.write("# written by teacher.py: one-hot labels of digits.csv rows 0..%d, zeros after\n" % (TRAIN - 1))
    for i, y in enumerate(labels):
        f.write(",".join("1" if i < TRAIN and c == y else "0" for c in range(10)) + "\n")
