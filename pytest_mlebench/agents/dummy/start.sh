#!/usr/bin/env bash
# The dummy agent: submit the sample submission unchanged (by MLE-bench's name for it, which
# may be sampleSubmission.csv, sample_submission_null.csv, a zipped en_sample_submission_2.csv.zip,
# or randomPredictions.csv).
set -euo pipefail
sample=$(ls "$DATA_DIR" | grep -i -E '^(([a-z]+_)?sample_?submission(_[a-z0-9]+)?|randompredictions)\.csv(\.zip)?$' | head -n 1)
echo "dummy agent: copying $DATA_DIR/$sample"
case "$sample" in
  *.zip) python3 -c 'import sys, zipfile
(member,) = zipfile.ZipFile(sys.argv[1]).namelist()
open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read(member))' \
           "$DATA_DIR/$sample" "$SUBMISSION_DIR/submission.csv" ;;
  *) cp "$DATA_DIR/$sample" "$SUBMISSION_DIR/submission.csv" ;;
esac
cp "$0" "$CODE_DIR/start.sh"
