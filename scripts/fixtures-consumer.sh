#!/usr/bin/env bash
# Builds fixtures/examples/consumer as an outside project would: against org.aptostree:fixtures (and ostree-java)
# installed into a PRIVATE local repository, target/consumer-m2, never the shared ~/.m2 (installing this checkout's
# SNAPSHOTs there would hand them to every other build). The private repository is seeded once by copying ~/.m2
# (not linking: Maven writes into it), so the build runs offline. Arguments go to the consumer's mvn (-Dtest=...).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD/target/consumer-m2
shared=${MAVEN_SHARED_REPO:-$HOME/.m2/repository}
if [ ! -e "$repo/.seeded" ]; then
  mkdir -p "$repo"
  cp -a "$shared/." "$repo/"
  touch "$repo/.seeded"
fi
# Only this checkout's artifacts, never ones someone else installed.
rm -rf "$repo/org/aptostree"
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
mvn -B -o -q -Dmaven.repo.local="$repo" -pl fixtures,fixtures-ostree,ostree-java -am install -DskipTests
mvn -B -o -q -Dmaven.repo.local="$repo" -f fixtures/examples/consumer/pom.xml -Daptostree.version="$version" test "$@"
echo "fixtures-consumer: the consumer's tests passed against org.aptostree:fixtures:$version"
