"""The benchmark harness: named suites, our methods and the peers, side by side in one run.

    python -m benchmarks psplib-j30 --time-limit 10 --workers 2

Benchmarks measure; they also check: every plan goes through `planner.verify`
and every result is compared with the known optimum or best known bound.
"""
