#!/usr/bin/env python3
"""Writes a deterministic transactions CSV in the default contract's shape, for measuring `txetl validate`.

usage: scripts/gen-transactions.py ROWS OUT.csv [--fault-every N]
With --fault-every N, every Nth row carries one fault (bad currency), so the reject path is measured too.
"""
import random
import sys

PLACES = [("DE", "EUR", ""), ("FR", "EUR", ""), ("JP", "JPY", ""), ("US", "USD", "US-CA"), ("GB", "GBP", ""),
          ("BH", "BHD", ""), ("CA", "CAD", "CA-ON"), ("CH", "CHF", "")]
MINOR = {"EUR": 2, "JPY": 0, "USD": 2, "GBP": 2, "BHD": 3, "CAD": 2, "CHF": 2}
CATEGORIES = ["groceries", "restaurants", "electronics", "clothing", "books", "travel", "fuel", "health", "services", "other"]
MERCHANTS = ["Corner Shop", "Café Central", "Electro Markt", "Book Nook", "\"Smith, Jones & Co\"", "Fuel Stop 24"]


def main() -> None:
    rows, out = int(sys.argv[1]), sys.argv[2]
    fault_every = int(sys.argv[sys.argv.index("--fault-every") + 1]) if "--fault-every" in sys.argv else 0
    rnd = random.Random(42)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax\n")
        for i in range(1, rows + 1):
            country, currency, region = PLACES[rnd.randrange(len(PLACES))]
            minor = MINOR[currency]
            cents = rnd.randrange(-5_000, 500_000)
            amount = f"{cents / 10 ** minor:.{minor}f}" if minor else str(cents)
            day = 1 + rnd.randrange(28)
            hour, minute = rnd.randrange(24), rnd.randrange(60)
            if fault_every and i % fault_every == 0:
                currency = "XXX"
            f.write(f"TX-{i:09d},2024-{1 + rnd.randrange(12):02d}-{day:02d}T{hour:02d}:{minute:02d}:00+01:00,ACC-{rnd.randrange(50_000):06d},"
                    f"{MERCHANTS[rnd.randrange(len(MERCHANTS))]},{CATEGORIES[rnd.randrange(len(CATEGORIES))]},{amount},{currency},{country},{region},"
                    f"{rnd.choice(['', 'true', 'false'])}\n")


if __name__ == "__main__":
    main()
