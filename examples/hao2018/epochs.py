#!/usr/bin/python3
"""Write the inputs of hao2018.snn from testdata/digits: digits_epochs.csv,
the training digits (rows 0..TRAIN-1 of digits.csv) EPOCHS times over and
then the test digits (rows TRAIN..TRAIN+TEST-1), and teacher.csv, one row
per presentation of digits_epochs.csv: one-hot on the label while training,
all zeros while testing (the teacher is silent)."""
import os

TRAIN, TEST, EPOCHS = 1000, 300, 3
here = os.path.dirname(os.path.abspath(__file__))
digits = os.path.join(here, "../../testdata/digits")
rows = open(os.path.join(digits, "digits.csv")).read().splitlines()
labels = [int(l) for l in open(os.path.join(digits, "labels.csv"))]
order = list(range(TRAIN)) * EPOCHS + list(range(TRAIN, TRAIN + TEST))
with open(os.path.join(here, "digits_epochs.csv"), "w") as f:
    f.write("# written by epochs.py: digits.csv rows 0..%d %d times, then rows %d..%d\n" % (TRAIN - 1, EPOCHS, TRAIN, TRAIN + TEST - 1))
    for i in order:
        f.write(rows[i] + "\n")
with open(os.path.join(here, "teacher.csv"), "w") as f:
    f.write("# written by epochs.py: one-hot labels of the %d training presentations of digits_epochs.csv, zeros after\n" % (TRAIN * EPOCHS))
    for k, i in enumerate(order):
        f.write(",".join("1" if k < TRAIN * EPOCHS and c == labels[i] else "0" for c in range(10)) + "\n")
