"""Excerpts of the official municipality register, cut at test time from ../shared/data.

The register is not part of the project (its licence and edition live in ../shared/data);
the tests name only which records they use. Where ../shared/data is missing, the tests that
need it skip with the reason, and fail under CI=true.
"""

from __future__ import annotations

from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
GV100AD = SHARED_DATA / "gv100ad" / "GV100AD_30112025.txt"
HESSEN_CSV = SHARED_DATA / "hessen_kommunen.csv"

#: the records of the excerpt by their key (Satzart, Gebietsstand, Schlüssel; GV100AD positions 1-22):
#: Land Hessen, Reg.-Bez. Darmstadt, two kreisfreie Städte and Kreise, a gemeindefreies Gebiet,
#: a Gemeindeverband, three Gemeinden of the Odenwaldkreis, and Berlin (another Land)
RECORDS = (
    "102025113006",
    "2020251130064",
    "402025113006411",
    "6020251130064110000000",
    "402025113006431",
    "6020251130064312009200",
    "402025113006437",
    "502025113006437   0006",
    "6020251130064370050005",
    "6020251130064370060006",
    "6020251130064370110011",
    "402025113011000",
    "6020251130110000000000",
)
#: the CSV excerpt: these entries, each with a remark of ours in the `bemerkung` column
CSV_REMARKS = {
    "06411000": "",
    "06437": "Summe der Gemeinden",
    "06437006": "Kreisstadt",
    "06437011": "",
    "11000000": "kein Regierungsbezirk",
}
CSV_HEADER = "ags,name,kind,kreis,regierungsbezirk,population,name_official,area_km2,plz,gebietsstand,bemerkung"


def missing() -> str | None:
    """Why the excerpts cannot be cut, or None."""
    if not GV100AD.is_file():
        return f"amtliches Gemeindeverzeichnis fehlt ({GV100AD}); es liegt in ../shared/data, nicht im Projekt"
    return None


def gv100ad_excerpt() -> str:
    """The RECORDS lines of the official file, in its order, as the fixed-width text."""
    wanted = set(RECORDS)
    lines = [line for line in GV100AD.read_text(encoding="utf-8").splitlines() if line[:22].rstrip() in wanted]
    assert len(lines) == len(RECORDS), "the register edition lacks records the tests use"
    return "\n".join(lines) + "\n"


def csv_excerpt(gv100ad_path: Path) -> str:
    """The same entries in the CSV import format."""
    import csv
    import io

    from digicheck.register import read_register

    out = io.StringIO()
    out.write(CSV_HEADER + "\n")
    writer = csv.writer(out, lineterminator="\n")
    for entry in read_register(gv100ad_path).entries:
        if entry.ags in CSV_REMARKS:
            writer.writerow(
                [
                    entry.ags,
                    entry.name,
                    entry.kind,
                    entry.kreis,
                    entry.regierungsbezirk,
                    entry.population,
                    entry.name_official,
                    f"{entry.area_km2:.2f}",
                    entry.plz,
                    "20251130",
                    CSV_REMARKS[entry.ags],
                ]
            )
    return out.getvalue()
