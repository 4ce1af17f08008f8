"""Google Smartphone Decimeter Challenge 2022: Kaggle's folder tree of drives and phones.

``train/<drive>/<phone>/`` holds device_gnss.csv, device_imu.csv, ground_truth.csv and
``supplemental/`` (gnss_log.txt, a RINEX file, span_log.nmea: the reference receiver's
positions as NMEA sentences); ``test/`` has the same without the ground truth and the span
log; ``metadata/`` the bit maps and the constellation table; sample_submission.csv lists
the test trips' epochs. Drive ids start with their date (``2021-04-28-US-MTV-1``), and 14
drives over 12 dates give MLE-bench's 10% split of the dates two test dates.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, write_file

PHONES = ["GooglePixel4", "GooglePixel4XL", "GooglePixel5", "GooglePixel6Pro", "SamsungGalaxyS20Ultra",
          "XiaomiMi8"]
#: (date, place) of each training drive: two dates hold two drives each.
TRAIN_DRIVES = [("2020-05-15", "US-MTV-1"), ("2020-05-21", "US-MTV-1"), ("2020-05-21", "US-MTV-2"),
                ("2020-06-04", "US-MTV-1"), ("2020-07-08", "US-MTV-1"), ("2020-08-03", "US-MTV-1"),
                ("2020-12-10", "US-SJC-1"), ("2021-01-04", "US-RWC-1"), ("2021-03-10", "US-SJC-1"),
                ("2021-04-28", "US-MTV-1"), ("2021-04-28", "US-SJC-1"), ("2021-07-19", "US-MTV-1"),
                ("2021-12-08", "US-LAX-1"), ("2022-01-26", "US-MTV-1")]
TEST_DRIVES = [("2021-04-08", "US-MTV-1"), ("2022-04-25", "US-SJC-1")]

GNSS_COLUMNS = [
    "MessageType", "utcTimeMillis", "TimeNanos", "LeapSecond", "FullBiasNanos", "BiasNanos",
    "BiasUncertaintyNanos", "DriftNanosPerSecond", "DriftUncertaintyNanosPerSecond",
    "HardwareClockDiscontinuityCount", "Svid", "TimeOffsetNanos", "State", "ReceivedSvTimeNanos",
    "ReceivedSvTimeUncertaintyNanos", "Cn0DbHz", "PseudorangeRateMetersPerSecond",
    "PseudorangeRateUncertaintyMetersPerSecond", "AccumulatedDeltaRangeState",
    "AccumulatedDeltaRangeMeters", "AccumulatedDeltaRangeUncertaintyMeters", "CarrierFrequencyHz",
    "MultipathIndicator", "ConstellationType", "CodeType", "ChipsetElapsedRealtimeNanos",
    "ArrivalTimeNanosSinceGpsEpoch", "RawPseudorangeMeters", "RawPseudorangeUncertaintyMeters",
    "SignalType", "ReceivedSvTimeNanosSinceGpsEpoch", "SvPositionXEcefMeters", "SvPositionYEcefMeters",
    "SvPositionZEcefMeters", "SvElevationDegrees", "SvAzimuthDegrees", "SvVelocityXEcefMetersPerSecond",
    "SvVelocityYEcefMetersPerSecond", "SvVelocityZEcefMetersPerSecond", "SvClockBiasMeters",
    "SvClockDriftMetersPerSecond", "IsrbMeters", "IonosphericDelayMeters", "TroposphericDelayMeters",
    "WlsPositionXEcefMeters", "WlsPositionYEcefMeters", "WlsPositionZEcefMeters",
]
SIGNALS = [("GPS_L1", 1, 1575420030.0), ("GPS_L5", 1, 1176450050.0), ("GAL_E1", 6, 1575420030.0),
           ("GLO_G1", 3, 1602000000.0), ("BDS_B1I", 5, 1561097980.0)]


def _epochs(rng: np.random.Generator, date: str, n: int) -> np.ndarray:
    """Milliseconds since 1970 of one reading a second, from a start during the drive's day."""
    start = pd.Timestamp(date, tz="UTC").value // 1_000_000 + int(rng.integers(15, 23 * 3600 * 1000))
    return start + 1000 * np.arange(n)


def _track(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A drive's latitudes and longitudes: a random walk of a few metres a second in the Bay Area."""
    lat = 37.3 + rng.random() * 0.2 + np.cumsum(rng.normal(0, 4e-5, n))
    lng = -122.1 + rng.random() * 0.2 + np.cumsum(rng.normal(0, 4e-5, n))
    return lat, lng


def ground_truth(times: np.ndarray, lat: np.ndarray, lng: np.ndarray,
                 rng: np.random.Generator) -> pd.DataFrame:
    n = len(times)
    return pd.DataFrame({
        "MessageType": "Fix", "Provider": "GT",
        "LatitudeDegrees": np.round(lat, 9), "LongitudeDegrees": np.round(lng, 9),
        "AltitudeMeters": np.round(rng.normal(-20, 5, n), 3), "SpeedMps": np.round(rng.random(n) * 20, 3),
        "AccuracyMeters": 0.1, "BearingDegrees": np.round(rng.random(n) * 360, 3), "UnixTimeMillis": times,
    })


def device_gnss(times: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Two signals per epoch with every column of Kaggle's file; the values are noise."""
    rows = np.repeat(times, 2)
    n = len(rows)
    frame = pd.DataFrame({column: np.round(rng.normal(0, 1e3, n), 3) for column in GNSS_COLUMNS})
    picked = rng.integers(0, len(SIGNALS), n)
    frame["MessageType"] = "Raw"
    frame["utcTimeMillis"] = rows
    frame["Svid"] = rng.integers(1, 33, n)
    frame["State"] = rng.choice([16431, 16527, 49359], n)
    frame["SignalType"] = [SIGNALS[i][0] for i in picked]
    frame["ConstellationType"] = [SIGNALS[i][1] for i in picked]
    frame["CarrierFrequencyHz"] = [SIGNALS[i][2] for i in picked]
    frame["CodeType"] = rng.choice(["C", "Q", "X"], n)
    frame["ArrivalTimeNanosSinceGpsEpoch"] = (rows - 315_964_800_000 + 18_000) * 1_000_000
    frame["WlsPositionXEcefMeters"] = np.round(-2_693_000 + rng.normal(0, 5, n), 2)
    frame["WlsPositionYEcefMeters"] = np.round(-4_297_000 + rng.normal(0, 5, n), 2)
    frame["WlsPositionZEcefMeters"] = np.round(3_854_000 + rng.normal(0, 5, n), 2)
    return frame


def device_imu(times: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    kinds = ["UncalAccel", "UncalGyro", "UncalMag"]
    rows = np.repeat(times, len(kinds))
    n = len(rows)
    return pd.DataFrame({"MessageType": np.tile(kinds, len(times)), "utcTimeMillis": rows,
                         **{f"Measurement{a}": np.round(rng.normal(0, 2, n), 6) for a in "XYZ"},
                         **{f"Bias{a}": 0.0 for a in "XYZ"}})


def _nmea_degrees(value: float, width: int) -> str:
    """Degrees as NMEA writes them: whole degrees, then minutes (the sign goes in N/S, E/W)."""
    whole = int(abs(value))
    return f"{whole:0{width}d}{(abs(value) - whole) * 60:010.7f}"


def span_log(times: np.ndarray, lat: np.ndarray, lng: np.ndarray) -> str:
    """The reference receiver's fixes as NMEA GGA sentences: the ground truth in another form."""
    lines = []
    for t, la, lo in zip(times, lat, lng, strict=True):
        clock = pd.Timestamp(int(t), unit="ms").strftime("%H%M%S.%f")[:9]
        body = (f"GPGGA,{clock},{_nmea_degrees(la, 2)},N,{_nmea_degrees(lo, 3)},W,4,20,0.7,"
                f"10.0,M,-30.0,M,1.0,0000")
        checksum = 0
        for char in body:
            checksum ^= ord(char)
        lines.append(f"${body}*{checksum:02X}")
    return "\n".join(lines) + "\n"


def gnss_log(times: np.ndarray) -> str:
    header = ("# Version: v3.0.0.1 Platform: 11 Manufacturer: Google Model: Pixel 5\n#\n"
              "# Raw,utcTimeMillis,Svid\n")
    return header + "".join(f"Raw,{t},{1 + i % 32}\n" for i, t in enumerate(times))


def trip(folder: Path, rng: np.random.Generator, with_truth: bool) -> pd.DataFrame:
    """One phone's files of a drive (``folder`` is ``<drive>/<phone>``); returns its epochs."""
    times = _epochs(rng, folder.parent.name[:10], int(rng.integers(12, 30)))
    lat, lng = _track(rng, len(times))
    write_file(folder / "device_gnss.csv", csv_bytes(device_gnss(times, rng)))
    write_file(folder / "device_imu.csv", csv_bytes(device_imu(times, rng)))
    year = pd.Timestamp(int(times[0]), unit="ms").strftime("%y")
    write_file(folder / "supplemental" / "gnss_log.txt", gnss_log(times))
    write_file(folder / "supplemental" / f"gnss_rinex.{year}o",
               f"     3.03           OBSERVATION DATA    M\n{len(times)}\n")
    if with_truth:
        write_file(folder / "ground_truth.csv", csv_bytes(ground_truth(times, lat, lng, rng)))
        write_file(folder / "supplemental" / "span_log.nmea", span_log(times, lat, lng))
    return pd.DataFrame({"UnixTimeMillis": times})


def build(raw: Path, rng: np.random.Generator) -> None:
    for date, place in TRAIN_DRIVES:
        for phone in rng.choice(PHONES, int(rng.integers(1, 4)), replace=False):
            trip(raw / "train" / f"{date}-{place}" / phone, rng, with_truth=True)
    sample = []
    for date, place in TEST_DRIVES:
        drive, phone = f"{date}-{place}", str(rng.choice(PHONES))
        epochs = trip(raw / "test" / drive / phone, rng, with_truth=False)
        sample.append(epochs.assign(tripId=f"{drive}-{phone}", LatitudeDegrees=37.904611315634504,
                                    LongitudeDegrees=-86.48107806249548))
    columns = ["tripId", "UnixTimeMillis", "LatitudeDegrees", "LongitudeDegrees"]
    write_file(raw / "sample_submission.csv", csv_bytes(pd.concat(sample)[columns]))
    metadata = raw / "metadata"
    write_file(metadata / "raw_state_bit_map.json",
               json.dumps({str(1 << i): name for i, name in enumerate(
                   ["STATE_CODE_LOCK", "STATE_BIT_SYNC", "STATE_SUBFRAME_SYNC", "STATE_TOW_DECODED"])}))
    write_file(metadata / "accumulated_delta_range_state_bit_map.json",
               json.dumps({"1": "ADR_STATE_VALID", "2": "ADR_STATE_RESET", "4": "ADR_STATE_CYCLE_SLIP"}))
    write_file(metadata / "constellation_type_mapping.csv",
               "ConstellationType,ConstellationName\n0,UNKNOWN\n1,GPS\n2,SBAS\n3,GLONASS\n4,QZSS\n5,BEIDOU\n6,GALILEO\n")
