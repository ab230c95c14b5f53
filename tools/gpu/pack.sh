#!/usr/bin/env bash
# Packs what tools/gpu/run.sh needs on a GPU machine that has no dotnet and no network (the device machines lent here):
#   .gpu/dupr.tar.xz              a self-contained dupr for linux-x64 built with TorchBackend=external (no libtorch inside:
#                                 it uses the machine's, e.g. PyTorch's torch/lib)
#   .gpu/torchsharp-native.tar.xz TorchSharp's native bridge sources (src/Native) of the TorchSharp version dupr uses, for
#                                 run.sh to build against that libtorch
# usage: tools/gpu/pack.sh [--torchsharp GIT_DIR]   (a clone or bare mirror of github.com/dotnet/TorchSharp at that version;
#        default: $TORCHSHARP_SRC, else a shallow clone of the version's tag)
# .gpu/ is git-ignored; carry it to the GPU machine beside the working tree.
set -euo pipefail
cd "$(dirname "$0")/../.."
src="${TORCHSHARP_SRC:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --torchsharp) src="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "pack.sh: error: unknown option $1" >&2; exit 2 ;;
  esac
done
version=$(sed -n 's:.*<TorchSharpVersion>\(.*\)</TorchSharpVersion>.*:\1:p' Directory.Build.props)
[ -n "$version" ] || { echo "pack.sh: error: Directory.Build.props: no TorchSharpVersion" >&2; exit 1; }
mkdir -p .gpu
rm -rf .gpu/publish
echo "[pack] dotnet publish (self-contained, TorchBackend=external)"
dotnet publish src/Dupr.Cli/Dupr.Cli.csproj -c Release -r linux-x64 --self-contained true -p:TorchBackend=external \
  -p:PublishTrimmed=false -o .gpu/publish/dupr --nologo -v quiet
# TorchSharp's own bridge is built for its libtorch; run.sh puts one built for the machine's libtorch in its place.
rm -f .gpu/publish/dupr/libLibTorchSharp.so
tar -C .gpu/publish -cf - dupr | xz -T0 -6 > .gpu/dupr.tar.xz.tmp && mv .gpu/dupr.tar.xz.tmp .gpu/dupr.tar.xz
rm -rf .gpu/publish

echo "[pack] TorchSharp $version native sources"
if [ -z "$src" ]; then
  src=$(mktemp -d)/TorchSharp
  git clone -q --depth 1 --branch "v$version" https://github.com/dotnet/TorchSharp "$src"
fi
props=$(git -C "$src" show HEAD:build/BranchInfo.props)
got=$(echo "$props" | sed -n 's:.*<MajorVersion>\(.*\)</MajorVersion>.*:\1:p').$(echo "$props" | sed -n 's:.*<MinorVersion>\(.*\)</MinorVersion>.*:\1:p').$(echo "$props" | sed -n 's:.*<PatchVersion>\(.*\)</PatchVersion>.*:\1:p')
[ "$got" = "$version" ] || { echo "pack.sh: error: $src is TorchSharp $got, dupr uses $version" >&2; exit 1; }
git -C "$src" archive --format=tar HEAD src/Native | xz -6 > .gpu/torchsharp-native.tar.xz.tmp && mv .gpu/torchsharp-native.tar.xz.tmp .gpu/torchsharp-native.tar.xz
echo "$version" > .gpu/torchsharp-version
du -h .gpu/*.tar.xz
