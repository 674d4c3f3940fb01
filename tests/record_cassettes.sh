#!/usr/bin/env bash
# Re-record the example-article cassettes against the real model served by llama.cpp's OpenAI-compatible
# server on loopback. Run after changing a prompt file or the LLM-facing schema. No --cache: the server keeps
# the longest shared prefix of consecutive requests anyway, and its RAM state cache grew past 20 GB here.
set -euo pipefail
cd "$(dirname "$0")/.."
port=8765
model=$(python -c "from diplo_extract.backends.model_store import resolve_model_path; print(resolve_model_path())")
python -m llama_cpp.server --model "$model" --host 127.0.0.1 --port "$port" --n_ctx 8192 --n_threads 2 \
  --model_alias qwen2.5-coder-1.5b-instruct-q4_k_m --cache false > /tmp/diplo_extract_llama_server.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null && break
  sleep 1
done
rm -rf tests/cassettes/examples tests/cassettes/dev
python -m pytest tests/test_cassettes.py tests/test_cassettes_dev.py --record-mode=rewrite -q -p no:randomly "$@"
