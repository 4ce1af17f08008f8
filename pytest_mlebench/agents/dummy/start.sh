#!/usr/bin/env bash
# The dummy agent: submit the sample submission unchanged (by MLE-bench's name for it, which
# may be sampleSubmission.csv, sample_submission_null.csv, a zipped en_sample_submission_2.csv.zip,
# randomPredictions.csv, or statoil's sample_submission.csv.7z: a one-file 7z archive whose data,
# LZMA2-coded, follows the 32-byte signature header, as py7zr and 7-Zip write it).
set -euo pipefail
sample=$(ls "$DATA_DIR" | grep -i -E '^(([a-z]+_)?sample_?submission(_[a-z0-9]+)?|randompredictions)\.csv(\.zip|\.7z)?$' | head -n 1)
echo "dummy agent: copying $DATA_DIR/$sample"
case "$sample" in
  *.zip) python3 -c 'import sys, zipfile
(member,) = zipfile.ZipFile(sys.argv[1]).namelist()
open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read(member))' \
           "$DATA_DIR/$sample" "$SUBMISSION_DIR/submission.csv" ;;
  *.7z) python3 -c 'import lzma, sys
decoder = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA2, "dict_size": 1 << 26}])
member = decoder.decompress(open(sys.argv[1], "rb").read()[32:])
assert decoder.eof, "not a one-stream LZMA2 7z archive"
open(sys.argv[2], "wb").write(member)' "$DATA_DIR/$sample" "$SUBMISSION_DIR/submission.csv" ;;
  *) cp "$DATA_DIR/$sample" "$SUBMISSION_DIR/submission.csv" ;;
esac
cp "$0" "$CODE_DIR/start.sh"
