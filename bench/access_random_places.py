#!/usr/bin/env python3
"""Random zones and facilities over Belo Horizonte's extent, for timing `equalis access --straight-line`.

    python3 bench/access_random_places.py ZONES FACILITIES OUT_DIR   # e.g. 100000 1000 /tmp/sl

writes OUT_DIR/zones.csv (id,population,lon,lat) and OUT_DIR/facilities.csv (id,capacity,lon,lat);
the same seed gives the same files. docs/PERFORMANCE.md gives the command lines timed on them.
"""
import os
import random
import sys

LON = (-44.06, -43.86)  # the bundled hexagons' extent
LAT = (-20.06, -19.78)


def main() -> None:
    zones, facilities, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(2026)
    with open(os.path.join(out, "zones.csv"), "w") as f:
        f.write("id,population,lon,lat\n")
        for i in range(zones):
            f.write(f"z{i},{rng.randint(0, 2000)},{rng.uniform(*LON):.6f},{rng.uniform(*LAT):.6f}\n")
    with open(os.path.join(out, "facilities.csv"), "w") as f:
        f.write("id,capacity,lon,lat\n")
        for j in range(facilities):
            f.write(f"f{j},{rng.randint(1, 20)},{rng.uniform(*LON):.6f},{rng.uniform(*LAT):.6f}\n")


if __name__ == "__main__":
    main()
