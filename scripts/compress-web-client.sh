#!/usr/bin/env sh
# trunk's post-build hook (Trunk.toml): writes a brotli (.br) and a gzip
# (.gz) copy beside each file of a release build of the web client, which
# natter serves to browsers that accept them. Debug builds (`trunk serve`)
# are left as they are. Each copy is made only when smaller than the file.
set -eu

[ "${TRUNK_PROFILE:-release}" = "release" ] || exit 0
dir="${TRUNK_STAGING_DIR:?run by trunk, which names the folder being built}"

for file in "$dir"/*.wasm "$dir"/*.js "$dir"/*.css "$dir"/*.html; do
  [ -f "$file" ] || continue
  size=$(wc -c < "$file")
  gzip -9 -n -c "$file" > "$file.gz"
  [ "$(wc -c < "$file.gz")" -lt "$size" ] || rm -f "$file.gz"
  if command -v brotli >/dev/null 2>&1; then
    brotli -q 11 -f -o "$file.br" "$file"
    [ "$(wc -c < "$file.br")" -lt "$size" ] || rm -f "$file.br"
  else
    echo "brotli is not installed: $file is served gzipped or as it is" >&2
  fi
done
