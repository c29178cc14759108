#!/usr/bin/env bash
# Deploy benchmark (issue 19): how long `claimbase deploy` takes to publish a
# generated site to a local S3-compatible server (s3s-fs), three ways:
#
#   first        an empty bucket: every file is sent
#   no change    the same site again: nothing is sent
#   one edit     one claim's body edited: only the files whose bytes changed
#
#   bench/deploy.sh [CLAIMS]         default 10000
#   BENCH_DIR=/tmp/x bench/deploy.sh where the corpus and bucket go
#                                    (default /tmp/claimbase-deploy-bench)
#   SERVER=moto bench/deploy.sh      moto's S3 server (pip install
#                                    'moto[server]') instead of s3s-fs
#
# Each line gives the wall time of the whole command (build, then deploy)
# and the deploy's own time from its summary line. s3s-fs 0.14 lists keys
# without ETags, so each deploy also asks for every file's (one HEAD
# request a file), and it walks the whole bucket for every page of a
# listing; S3, R2, B2, MinIO and moto give ETags in the listing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
CLAIMS="${1:-10000}"
BENCH_DIR="${BENCH_DIR:-/tmp/claimbase-deploy-bench}"
SITE="$BENCH_DIR/site-$CLAIMS"
DATA="$BENCH_DIR/bucket"

SERVER="${SERVER:-s3s-fs}"
if [ "$SERVER" = moto ]; then
    command -v moto_server >/dev/null || python3 -m pip install --quiet 'moto[server]'
else
    S3S="$(command -v s3s-fs || echo "$REPO/target/ci-tools/bin/s3s-fs")"
    if [ ! -x "$S3S" ]; then
        cargo install --quiet --locked --root "$REPO/target/ci-tools" s3s-fs --version 0.14.1 --features binary
        S3S="$REPO/target/ci-tools/bin/s3s-fs"
    fi
fi
(cd "$REPO" && cargo build --release --quiet)
BIN="$REPO/target/release/claimbase"

rm -rf "$SITE" "$DATA"
mkdir -p "$DATA/site"
python3 "$HERE/gen_corpus.py" --claims "$CLAIMS" --out "$SITE" >/dev/null
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >> "$SITE/claimbase.toml" <<TOML

[[deploy]]
name = "bench"
url = "s3://site/www"
endpoint = "http://127.0.0.1:$PORT"
region = "us-east-1"
TOML

if [ "$SERVER" = moto ]; then
    moto_server -H 127.0.0.1 -p "$PORT" >/dev/null 2>&1 &
else
    "$S3S" --host 127.0.0.1 --port "$PORT" --access-key bench --secret-key bench-secret "$DATA" >/dev/null 2>&1 &
fi
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT))" 2>/dev/null; do sleep 0.1; done

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret SOURCE_DATE_EPOCH=1735689600
if [ "$SERVER" = moto ]; then
    python3 -c "import boto3; boto3.client('s3', endpoint_url='http://127.0.0.1:$PORT', region_name='us-east-1').create_bucket(Bucket='site')"
fi

run() {
    local label="$1" start end summary
    start=$(date +%s%N)
    summary="$("$BIN" --root "$SITE" deploy | tail -n 1)"
    end=$(date +%s%N)
    printf '%-10s %6d ms wall   %s\n' "$label" "$(( (end - start) / 1000000 ))" "$summary"
}

echo "claimbase deploy, $CLAIMS claims, $(find "$SITE/claims" -name '*.md' | wc -l) content files, to $SERVER on loopback"
run "first"
echo "           $(find "$SITE/output" -type f | wc -l) files in the output, $(du -sh "$SITE/output" | cut -f1)"
run "no change"
claim="$(python3 -c "import glob, sys; print(sorted(p for p in glob.glob(sys.argv[1] + '/claims/**/*.md', recursive=True) if '/_' not in p)[0])" "$SITE")"
printf '\nOne more sentence for the benchmark.\n' >> "$claim"
run "one edit"
