#!/usr/bin/env bash
# Builds tools/kube-apiserver/main.go (k8s.io/apiextensions-apiserver + k8s.io/apiserver, no core
# API) from the Go sources Debian's unstable suite ships, offline, in GOPATH mode, and caches the
# server binary, Debian's etcd binary and a versions manifest under
#   ${AVIARY_KUBE_APISERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aviary/kube-apiserver}/<key>/
# where <key> hashes the exact package versions, main.go and this script. `current` points at the
# last good build. Nothing is installed system-wide and nothing in /etc is changed: apt runs with a
# private configuration, state and cache under the cache folder, and packages are unpacked with
# dpkg-deb -x. A second run with the same versions takes seconds.
#
# Environment: AVIARY_KUBE_APISERVER_CACHE (cache folder), AVIARY_KUBE_APISERVER_MIRROR (Debian
# mirror; default: the one the system's apt sources use for its release), AVIARY_KUBE_APISERVER_SUITE
# (default unstable), AVIARY_KUBE_APISERVER_OFFLINE=1 (no apt update: use the last good build, or the
# package lists already downloaded).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${AVIARY_KUBE_APISERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aviary/kube-apiserver}
SUITE=${AVIARY_KUBE_APISERVER_SUITE:-unstable}
GO_VERSION=1.26
SEEDS=(golang-k8s-apiextensions-apiserver-dev golang-k8s-apiserver-dev)
TOOLS=("golang-$GO_VERSION-go" "golang-$GO_VERSION-src" etcd-server)
MAIN_PKG=aviary.local/kube-apiserver

die() {
  echo "kube-apiserver build FAILED: $*" >&2
  exit 1
}
now() { date +%s.%N; }
T_START=$(now)
T_PHASE=$T_START
phase_done() {
  local t
  t=$(now)
  awk -v a="$T_PHASE" -v b="$t" -v n="$1" 'BEGIN { printf "  %-30s %6.1f s\n", n, b - a }'
  T_PHASE=$t
}
for tool in apt-get apt-cache dpkg-deb sha256sum awk; do
  command -v "$tool" > /dev/null || die "$tool is not installed (needed to fetch and unpack Debian packages)"
done

mkdir -p "$ROOT"/{apt/etc/parts,apt/etc/preferences.d,apt/state/lists/partial,apt/cache/archives/partial,debs,builds}
APT="$ROOT/apt"
: > "$APT/state/status" # no package counts as installed: apt resolves from scratch

mirror() {
  if [ -n "${AVIARY_KUBE_APISERVER_MIRROR:-}" ]; then
    echo "$AVIARY_KUBE_APISERVER_MIRROR"
    return
  fi
  # The site the system's sources use for the release itself (not -updates or -security).
  apt-get indextargets --no-release-info --format '$(SITE) $(RELEASE) $(COMPONENT)' 2> /dev/null |
    awk '$3 == "main" && $2 !~ /-/ { print $1; exit }'
}
MIRROR=$(mirror)
[ -n "$MIRROR" ] || die "no Debian mirror found in the system's apt sources (set AVIARY_KUBE_APISERVER_MIRROR)"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$KEYRING" ] || die "$KEYRING is missing (package debian-archive-keyring)"
echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" > "$APT/etc/sources.list"
cat > "$APT/etc/apt.conf" << EOF
Dir::Etc::SourceList "$APT/etc/sources.list";
Dir::Etc::SourceParts "$APT/etc/parts";
Dir::Etc::Preferences "$APT/etc/preferences";
Dir::Etc::PreferencesParts "$APT/etc/preferences.d";
Dir::State "$APT/state";
Dir::State::status "$APT/state/status";
Dir::Cache "$APT/cache";
Debug::NoLocking "true";
APT::Sandbox::User "root";
APT::Architectures { "amd64"; "all"; };
APT::Get::AllowUnauthenticated "false";
Acquire::Languages "none";
Acquire::IndexTargets::deb::Contents-deb {
  MetaKey "\$(COMPONENT)/Contents-\$(ARCHITECTURE)";
  ShortDescription "Contents-\$(ARCHITECTURE)";
  Description "\$(RELEASE)/\$(COMPONENT) \$(ARCHITECTURE) Contents (deb)";
  KeepCompressed "true";
};
EOF
[ "$(dpkg --print-architecture)" = amd64 ] || die "only amd64 is supported (this machine is $(dpkg --print-architecture))"
export APT_CONFIG="$APT/etc/apt.conf"


echo "kube-apiserver: cache $ROOT, packages from $MIRROR $SUITE"

# ---- 1. package lists -------------------------------------------------------------------------
CURRENT="$ROOT/current"
if [ "${AVIARY_KUBE_APISERVER_OFFLINE:-}" = 1 ]; then
  if [ -x "$CURRENT/kube-apiserver" ]; then
    echo "offline: using the last good build $(readlink "$CURRENT")"
    exit 0
  fi
  echo "offline: no apt update, using the package lists already downloaded"
elif ! apt-get -q update > "$ROOT/apt-update.log" 2>&1 || grep -qE '^(W|E): ' "$ROOT/apt-update.log"; then
  if [ -x "$CURRENT/kube-apiserver" ]; then
    echo "warning: apt update of $MIRROR $SUITE failed ($(grep -E '^(W|E): ' "$ROOT/apt-update.log" | head -1)); using the last good build $(readlink "$CURRENT")" >&2
    exit 0
  fi
  die "apt update of $MIRROR $SUITE failed: $(grep -E '^(W|E): ' "$ROOT/apt-update.log" | head -1) (full log: $ROOT/apt-update.log)"
fi
phase_done "package lists"

# Candidate version of each named package, as "name=version" lines (one apt-cache call).
candidates() {
  apt-cache show --no-all-versions "$@" 2> /dev/null | awk '/^Package: /{p=$2} /^Version: /{print p "=" $2}' | sort -u
}
cache_key() { # $1: file with name=version lines
  { cat "$1"; sha256sum "$HERE/main.go" "$HERE/build.sh" | cut -d' ' -f1; } | sha256sum | cut -c1-16
}
finish() { # $1: key
  ln -sfn "builds/$1" "$CURRENT.tmp" && mv -T "$CURRENT.tmp" "$CURRENT"
  # Keep the three newest builds; drop .deb files no kept build uses.
  (cd "$ROOT/builds" && ls -1t | grep -v '\.tmp$' | tail -n +4 | xargs -r rm -rf)
  local keep
  keep=$(cat "$ROOT"/builds/*/packages.txt 2> /dev/null | sed 's/:/%3a/; s/=/_/' | sort -u)
  for deb in "$ROOT"/debs/*.deb; do
    [ -e "$deb" ] || continue
    base=$(basename "$deb")
    grep -qxF "${base%_*.deb}" <<< "$keep" || rm -f "$deb"
  done
  awk -v a="$T_START" -v b="$(now)" 'BEGIN { printf "  %-30s %6.1f s\n", "total", b - a }'
  echo "kube-apiserver: $ROOT/builds/$1 (kube-apiserver, etcd, versions.txt)"
}

# ---- 2. fast path: the last build's packages all still at the same version ----------------------
if [ -f "$CURRENT/packages.txt" ]; then
  mapfile -t names < <(cut -d= -f1 "$CURRENT/packages.txt")
  if candidates "${names[@]}" | cmp -s - "$CURRENT/packages.txt"; then
    key=$(cache_key "$CURRENT/packages.txt")
    SAME_PACKAGES=1 # only main.go or build.sh changed: start from the last build's packages
    if [ -x "$ROOT/builds/$key/kube-apiserver" ]; then
      phase_done "versions unchanged"
      echo "cached: same package versions, main.go and build.sh as build $key"
      finish "$key"
      exit 0
    fi
  fi
  phase_done "versions compared"
fi

# ---- 3. resolve: unpack the toolchain, then follow main.go's imports to Debian packages --------
WORK="$ROOT/work" # a fixed path, so Go's build cache (GOCACHE) hits across rebuilds
rm -rf "$WORK"
mkdir -p "$WORK/root"
declare -A UNPACKED=()
fetch_unpack() { # name=version ...
  local spec name ver file missing=()
  for spec in "$@"; do
    name=${spec%%=*} ver=${spec#*=}
    file=$(ls "$ROOT/debs/${name}_${ver//:/%3a}_"*.deb 2> /dev/null | head -1 || true)
    [ -n "$file" ] || missing+=("$spec")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    (cd "$ROOT/debs" && apt-get -q download "${missing[@]}" > "$ROOT/download.log" 2>&1) || {
      for spec in "${missing[@]}"; do
        (cd "$ROOT/debs" && apt-get -q download "$spec" > "$ROOT/download.log" 2>&1) ||
          die "could not download Debian package $spec from $MIRROR $SUITE: $(grep -E '^(E|W): ' "$ROOT/download.log" | head -1)"
      done
    }
  fi
  for spec in "$@"; do
    name=${spec%%=*} ver=${spec#*=}
    file=$(ls "$ROOT/debs/${name}_${ver//:/%3a}_"*.deb 2> /dev/null | head -1 || true)
    [ -n "$file" ] || die "Debian package $spec was downloaded but its .deb is not in $ROOT/debs"
    dpkg-deb -x "$file" "$WORK/root" || die "could not unpack $file"
    UNPACKED[$name]=$ver
  done
}

mapfile -t tool_specs < <(candidates "${TOOLS[@]}")
[ ${#tool_specs[@]} -eq ${#TOOLS[@]} ] || die "not every one of ${TOOLS[*]} is in $SUITE (found: ${tool_specs[*]:-none})"
mapfile -t seed_specs < <(candidates "${SEEDS[@]}")
[ ${#seed_specs[@]} -eq ${#SEEDS[@]} ] || die "not every one of ${SEEDS[*]} is in $SUITE (found: ${seed_specs[*]:-none})"
if [ "${SAME_PACKAGES:-}" = 1 ]; then
  mapfile -t previous < "$CURRENT/packages.txt"
  fetch_unpack "${previous[@]}"
  phase_done "last build's packages"
else
  fetch_unpack "${tool_specs[@]}" "${seed_specs[@]}"
  phase_done "toolchain and seeds"
fi

export GOROOT="$WORK/root/usr/lib/go-$GO_VERSION"
GO="$GOROOT/bin/go"
[ -x "$GO" ] || die "golang-$GO_VERSION-go has no $GO"
export GOPATH="$WORK/root/usr/share/gocode" GO111MODULE=off GOPROXY=off GOFLAGS= GOTOOLCHAIN=local GOTELEMETRY=off
export CGO_ENABLED=0 GOCACHE="$ROOT/gocache" GOENV=off
mkdir -p "$GOPATH/src/$MAIN_PKG"
cp "$HERE/main.go" "$GOPATH/src/$MAIN_PKG/main.go"

# Import path -> Debian package, from the suite's Contents-all index (Go sources are arch: all).
contents=$(ls "$APT"/state/lists/*_dists_"${SUITE}"_main_Contents-all* 2> /dev/null | head -1 || true)
[ -n "$contents" ] || die "no Contents-all index for $SUITE in $APT/state/lists (apt update did not fetch it)"
GOMAP="$ROOT/gomap.tsv"
if [ ! -f "$GOMAP" ] || [ "$contents" -nt "$GOMAP" ]; then
  /usr/lib/apt/apt-helper cat-file "$contents" |
    awk '$1 ~ /^usr\/share\/gocode\/src\// { p=$1; sub(/^usr\/share\/gocode\/src\//,"",p); if (p ~ /\.go$/) sub(/\/[^\/]*$/,"",p);
          n=split($NF,a,","); for(i=1;i<=n;i++){q=a[i]; sub(/.*\//,"",q); print p "\t" q} }' | sort -u > "$GOMAP.tmp"
  mv "$GOMAP.tmp" "$GOMAP"
fi
phase_done "import index"

for round in $(seq 1 60); do
  # Packages the build needs that no unpacked package provides.
  missing=$("$GO" list -e -deps -f '{{if .Error}}{{.ImportPath}}{{"\t"}}{{.Error}}{{end}}' "$MAIN_PKG" 2>&1 |
    grep -E 'cannot find package' | cut -f1 | sort -u || true)
  [ -n "$missing" ] || break
  want=()
  # Each missing import path, with the packages that ship it, or its longest shipped prefix, or the
  # path without its /vN part (Go's minimal module compatibility in GOPATH mode: .../v22/daemon is
  # found in .../daemon when the module's go.mod says v22).
  while IFS=$'\t' read -r imp providers; do
    [ -n "$providers" ] || die "no Debian package in $SUITE provides Go package $imp (needed by: $("$GO" list -e -deps -f '{{.ImportPath}} {{join .Imports " "}}' "$MAIN_PKG" 2> /dev/null | awk -v p="$imp" '{for(i=2;i<=NF;i++) if($i==p){print $1; exit}}'))"
    pick=""
    for provider in $providers; do # prefer a -dev package not unpacked yet
      if [ -z "${UNPACKED[$provider]:-}" ]; then pick=$provider && [[ $provider == *-dev ]] && break; fi
    done
    [ -n "$pick" ] || die "Go package $imp is shipped by $providers, but still missing after unpacking it"
    want+=("$pick")
  done < <(echo "$missing" | awk -F'\t' 'NR == FNR { have[$1] = have[$1] " " $2; next }
      function lookup(path,   n, c, k, i, p) {
        n = split(path, c, "/")
        for (k = n; k > 0; k--) { p = c[1]; for (i = 2; i <= k; i++) p = p "/" c[i]; if (p in have) return have[p] }
        return "" }
      { found = ""; if ($0 in have) found = have[$0]
        if (found == "") { plain = $0; gsub(/\/v[0-9]+(\/|$)/, "/", plain); sub(/\/$/, "", plain); if (plain in have) found = have[plain] }
        if (found == "") found = lookup($0)
        print $0 "\t" substr(found, 2) }' "$GOMAP" -)
  mapfile -t specs < <(candidates "${want[@]}")
  [ ${#specs[@]} -gt 0 ] || die "none of ${want[*]} has a candidate version in $SUITE"
  fetch_unpack "${specs[@]}"
done
[ "$round" -lt 60 ] || die "import resolution did not converge after 60 rounds"

PACKAGES="$WORK/packages.txt"
for name in "${!UNPACKED[@]}"; do echo "$name=${UNPACKED[$name]}"; done | sort > "$PACKAGES"
key=$(cache_key "$PACKAGES")
phase_done "resolve ($(wc -l < "$PACKAGES") packages)"
if [ -x "$ROOT/builds/$key/kube-apiserver" ]; then
  echo "cached: build $key has the same package versions, main.go and build.sh"
  rm -rf "$WORK"
  finish "$key"
  exit 0
fi

# ---- 4. build ---------------------------------------------------------------------------------
OUT="$ROOT/builds/$key.tmp"
rm -rf "$OUT" && mkdir -p "$OUT"
if ! (cd "$GOPATH/src/$MAIN_PKG" && "$GO" build -trimpath -ldflags='-s -w' -o "$OUT/kube-apiserver" .) > "$WORK/build.log" 2>&1; then
  pkg=$(grep -m1 -E '^# ' "$WORK/build.log" | cut -c3- || true)
  first=$(grep -m1 -vE '^# ' "$WORK/build.log" || true)
  owner=""
  rm -rf "$OUT"
  [ -z "$pkg" ] || owner=$(awk -F'\t' -v p="$pkg" '$1 == p { print $2; exit }' "$GOMAP")
  die "Go package ${pkg:-?}${owner:+ (from $owner=${UNPACKED[$owner]:-?})} did not compile: $first (full log: $WORK/build.log)"
fi
phase_done "go build"

cp "$WORK/root/usr/bin/etcd" "$OUT/etcd" || die "etcd-server has no usr/bin/etcd"
cp "$PACKAGES" "$OUT/packages.txt"
cp "$HERE/main.go" "$OUT/main.go"
{
  echo "key: $key"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "source: $MIRROR $SUITE main"
  echo "go: $("$GO" version)"
  echo "etcd: $("$OUT/etcd" --version 2> /dev/null | head -1)"
  echo "packages: $(wc -l < "$PACKAGES")"
  cat "$PACKAGES"
} > "$OUT/versions.txt"
rm -rf "$ROOT/builds/$key"
mv "$OUT" "$ROOT/builds/$key"
rm -rf "$WORK"
finish "$key"
