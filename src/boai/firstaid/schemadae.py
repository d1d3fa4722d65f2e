"""AEDs in France's national AED data schema (schema-dae): the field names of its columns, used by
the GeoJSON export and by the `aeds_dae` Excel kind (see tabular.py)."""

from __future__ import annotations

from django.utils import timezone

from boai.firstaid.models import AED, AEDStatus

DAE_STATUS = {AEDStatus.IN_SERVICE: "En fonctionnement", AEDStatus.OUT_OF_SERVICE: "Hors service",
              AEDStatus.ABSENT: "Absent momentanément"}


def _day(value):
    return value.isoformat() if value else None


def properties(aed: AED) -> dict:
    always = aed.opening_hours == "24/7"
    return {
        "c_gid": aed.code, "c_nom": aed.name, "c_adr_voie": aed.address, "c_com_insee": aed.division_code,
        "c_lat_coor1": aed.latitude, "c_long_coor1": aed.longitude,
        "c_acc": "Intérieur" if aed.indoor else "Extérieur", "c_acc_lib": aed.free_access, "c_acc_etg": aed.floor,
        "c_acc_complt": aed.access_notes,
        "c_disp_j": "{7j/7}" if always else None, "c_disp_h": "{24h/24}" if always else None,
        "c_disp_complt": aed.opening_hours,
        "c_etat_fonct": DAE_STATUS.get(aed.status, aed.status), "c_date_instal": _day(aed.installed_on),
        "c_fab_rais": aed.maker, "c_modele": aed.device_model, "c_num_serie": aed.serial_number,
        "c_lc_ped": aed.child_pads, "c_dtpr_lcped": _day(aed.child_pads_expiry),
        "c_dtpr_lcad": _day(aed.adult_pads_expiry), "c_dtpr_bat": _day(aed.battery_expiry),
        "c_dermnt": _day(aed.last_inspected_on), "c_expt_rais": aed.owner, "c_expt_siren": aed.owner_credit_code,
        "c_maj_don": _day(timezone.localdate(aed.updated_at)) if aed.updated_at else None,
        "place_type": aed.place_type, "funding": aed.funding,
    }


def feature(aed: AED) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [aed.longitude, aed.latitude]},
            "properties": properties(aed)}
