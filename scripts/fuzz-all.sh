#!/usr/bin/env bash
# Fuzzes every Jazzer target in fuzz/ in turn (Jazzer fuzzes one target per JVM) for its maxDuration, and stops at
# the first finding; without fuzzing, `mvn test` only replays the stored inputs. Usage: scripts/fuzz-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o install -DskipTests -pl fuzz -am
for file in fuzz/src/test/java/org/aptostree/fuzz/*/*FuzzTest.java; do
  class=$(basename "$file" .java)
  for target in $(grep -oE 'void [a-zA-Z0-9]+\((byte\[\]|FuzzedDataProvider) ' "$file" | awk '{print $2}' | cut -d'(' -f1); do
    echo "== $class#$target"
    JAZZER_FUZZ=1 mvn -B -q -o -pl fuzz test -Dtest="$class#$target" > "fuzz/target/$class-$target.log" 2>&1 || {
      grep -E '== Java Exception|Exception:|Error:|at org.aptostree' "fuzz/target/$class-$target.log" | head -20
      echo "finding in $class#$target: see fuzz/target/$class-$target.log"; exit 1; }
    grep -E 'DONE' "fuzz/target/$class-$target.log" | tail -1
  done
done
