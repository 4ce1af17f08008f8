"""H&M Personalized Fashion Recommendations: Kaggle's download as it extracts.

- ``articles.csv``: 25 columns, ten-digit article ids with their leading zero (``0108775015``,
  the product code's seven digits and a three-digit variant), codes with leading zeros,
  descriptions with commas and quotes, some blank;
- ``customers.csv``: 64-hex customer ids (sorted), ``FN``/``Active`` as ``1.0`` or blank, club
  status, news frequency, ``age`` as a float or blank, 64-hex postal codes;
- ``transactions_train.csv``: ``t_dat`` (ISO dates, the file in date order), ``customer_id``,
  ``article_id`` (ten digits), ``price`` (Kaggle's 16-digit fractions, one in exponent
  form), ``sales_channel_id`` (1 or 2); an article bought twice is a repeated row;
- ``sample_submission.csv``: every customer with the same twelve articles;
- ``images/<first 3 digits>/<article id>.jpg``: for most articles, not all.

Purchases span seven weeks and end on Kaggle's last date, so MLE-bench's held-out days hold
about a seventh of them; some customers buy nothing, some buy only before or only after.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, photo, write_file

LAST_DATE = dt.date(2020, 9, 22)
DAYS = 49
N_CUSTOMERS, N_ARTICLES, N_PURCHASES = 120, 90, 800
PRODUCT_TYPES = [(253, "Vest top", "Garment Upper body"), (272, "Trousers", "Garment Lower body"),
                 (265, "Dress", "Garments Full body"), (306, "Bra", "Underwear"),
                 (87, "Boots", "Shoes"), (66, "Hat/beanie", "Accessories")]
COLOURS = [("09", "Black", 4, "Dark", 5, "Black"), ("10", "White", 3, "Light", 9, "White"),
           ("73", "Dark Blue", 4, "Dark", 2, "Blue"), ("13", "Beige", 2, "Medium Dusty", 11, "Beige")]
DESCRIPTIONS = ["Jersey top with narrow shoulder straps.",
                'Microfibre T-shirt bra with underwired, moulded, lightly padded cups.',
                "Short, fitted dress in a \"soft\" knit, with a round neckline",
                "", "Trousers in washed, stretch denim with a regular waist; zip fly and button."]


def hex_ids(rng: np.random.Generator, n: int) -> list[str]:
    """Customer ids or postal codes as Kaggle hashes them: 64 lower-case hex digits each."""
    digits = rng.bytes(32 * n).hex()
    return [digits[start:start + 64] for start in range(0, 64 * n, 64)]


def article_ids(rng: np.random.Generator, n: int) -> list[str]:
    """Sorted ten-digit ids: a seven-digit product code (from 0108775) and a variant."""
    codes = np.sort(rng.choice(np.arange(108_775, 959_462), size=n, replace=False))
    return [f"{code:07d}{variant:03d}" for code, variant in
            zip(codes, rng.integers(1, 60, n), strict=True)]


def articles(ids: list[str], rng: np.random.Generator) -> pd.DataFrame:
    n = len(ids)
    kinds = [PRODUCT_TYPES[i] for i in rng.integers(0, len(PRODUCT_TYPES), n)]
    colours = [COLOURS[i] for i in rng.integers(0, len(COLOURS), n)]
    return pd.DataFrame({
        "article_id": ids, "product_code": [i[:7] for i in ids],
        "prod_name": rng.choice(["Strap top", "Skinny R.W Chinos", "Tilly (1)", "OP T-shirt, 2-p"], n),
        "product_type_no": [k[0] for k in kinds], "product_type_name": [k[1] for k in kinds],
        "product_group_name": [k[2] for k in kinds], "graphical_appearance_no": 1010016,
        "graphical_appearance_name": "Solid",
        "colour_group_code": [c[0] for c in colours], "colour_group_name": [c[1] for c in colours],
        "perceived_colour_value_id": [c[2] for c in colours],
        "perceived_colour_value_name": [c[3] for c in colours],
        "perceived_colour_master_id": [c[4] for c in colours],
        "perceived_colour_master_name": [c[5] for c in colours],
        "department_no": rng.integers(1201, 9989, n), "department_name": "Jersey Basic",
        "index_code": rng.choice(list("ABCDFGHIJ"), n), "index_name": "Ladieswear",
        "index_group_no": rng.choice([1, 2, 3, 4, 26], n), "index_group_name": "Ladieswear",
        "section_no": rng.integers(2, 98, n), "section_name": "Womens Everyday Basics",
        "garment_group_no": rng.integers(1001, 1026, n), "garment_group_name": "Jersey Basic",
        "detail_desc": rng.choice(DESCRIPTIONS, n),
    })


def customers(ids: list[str], rng: np.random.Generator) -> pd.DataFrame:
    n = len(ids)
    flag = lambda share: np.where(rng.random(n) < share, "1.0", "")  # noqa: E731
    return pd.DataFrame({
        "customer_id": ids, "FN": flag(0.35), "Active": flag(0.33),
        "club_member_status": rng.choice(["ACTIVE", "PRE-CREATE", "LEFT CLUB", ""], n,
                                         p=[0.9, 0.07, 0.01, 0.02]),
        "fashion_news_frequency": rng.choice(["NONE", "Regularly", "Monthly", ""], n,
                                             p=[0.6, 0.35, 0.01, 0.04]),
        "age": np.where(rng.random(n) < 0.05, "", rng.integers(16, 99, n).astype(float).astype(str)),
        "postal_code": hex_ids(rng, n),
    })


def price_texts(rng: np.random.Generator, n: int) -> np.ndarray:
    """Prices as Kaggle writes them: a price in SEK over 59, to 16 significant digits."""
    return np.array([f"{value:.16g}" for value in rng.integers(5, 3000, n) / 100 / 59 / 10])


def transactions(customer_ids: list[str], ids: list[str], popularity: np.ndarray,
                 rng: np.random.Generator) -> pd.DataFrame:
    # A fifth of the customers never buy; the others buy on a few days each.
    buyers = rng.choice(customer_ids, size=int(len(customer_ids) * 0.8), replace=False)
    dates = [(LAST_DATE - dt.timedelta(days=int(d))).isoformat() for d in rng.integers(0, DAYS, N_PURCHASES)]
    frame = pd.DataFrame({
        "t_dat": dates, "customer_id": rng.choice(buyers, N_PURCHASES),
        "article_id": rng.choice(ids, N_PURCHASES, p=popularity),
        "price": price_texts(rng, N_PURCHASES),
        "sales_channel_id": rng.choice([1, 2], N_PURCHASES, p=[0.3, 0.7]),
    })
    frame.loc[0, "t_dat"] = LAST_DATE.isoformat()
    frame.loc[1, "price"] = "1.69491525423729e-05"
    twice = frame.sample(20, random_state=int(rng.integers(1 << 31)))  # two of an article: two rows
    frame = pd.concat([frame, twice]).sort_index(kind="stable")
    return frame.sort_values(["t_dat", "customer_id"], kind="stable").reset_index(drop=True)


def build(raw: Path, rng: np.random.Generator) -> None:
    customer_ids = sorted(hex_ids(rng, N_CUSTOMERS))
    ids = article_ids(rng, N_ARTICLES)
    popularity = rng.permutation(1 / np.arange(1, N_ARTICLES + 1))
    popularity /= popularity.sum()
    write_file(raw / "articles.csv", csv_bytes(articles(ids, rng)))
    write_file(raw / "customers.csv", csv_bytes(customers(customer_ids, rng)))
    write_file(raw / "transactions_train.csv",
               csv_bytes(transactions(customer_ids, ids, popularity, rng)))
    popular = " ".join(ids[i] for i in np.argsort(-popularity)[:12])
    write_file(raw / "sample_submission.csv",
               csv_bytes(pd.DataFrame({"customer_id": customer_ids, "prediction": popular})))
    for article in ids:
        if rng.random() < 0.9:
            write_file(raw / "images" / article[:3] / f"{article}.jpg", photo(rng))
