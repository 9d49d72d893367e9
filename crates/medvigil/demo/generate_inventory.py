#!/usr/bin/env python3
"""Writes demo/inventory.csv: the CMMS export of St. Aurelia Medical Center.

St. Aurelia is fictional: a 350-bed hospital with about 300 connected devices over about
40 real product lines. The export is written the way a CMMS writes it: the CMMS's own
column names, manufacturer names spelled the way different technicians typed them,
devices without an IP address, unknown zones, and bookkeeping columns medvigil keeps as
attributes. Product names and firmware versions are real product lines (several named
in CISA medical advisories, some deliberately just past an affected range); serial
numbers, addresses and asset tags are invented.

Deterministic: run it again and the file is byte-identical.
    python3 crates/medvigil/demo/generate_inventory.py > crates/medvigil/demo/inventory.csv
"""
import csv
import random
import sys

rng = random.Random(20261128)

# (manufacturer spellings, model, device type, clinical function, zone, count, versions,
#  departments, asset prefix)
LINES = [
    # Infusion and syringe pumps
    (["BD", "CareFusion", "Becton Dickinson"], "Alaris 8015 PC Unit", "Infusion Pump", "therapeutic", "clinical_vlan", 32,
     ["9.19.2", "9.33.1", "12.1.0", "12.1.2"], ["ICU", "CCU", "Med-Surg 3A", "Med-Surg 5A", "Oncology 4B", "ED"], "INF"),
    (["BD"], "Alaris Gateway Workstation", "Infusion Gateway", "therapeutic", "clinical_vlan", 3,
     ["1.1.3.10", "1.3.2.2", "1.6.1"], ["ICU", "Oncology 4B"], "INF"),
    (["BD", "BD Pyxis"], "Alaris Systems Manager", "Infusion Server", "informational", "hospital_lan", 1,
     ["4.33"], ["Data Center"], "SRV"),
    (["Baxter", "Baxter Healthcare"], "Sigma Spectrum", "Infusion Pump", "therapeutic", "clinical_vlan", 20,
     ["6.02.11", "8.00.01", "8.01.00"], ["Med-Surg 3B", "PACU", "L&D"], "INF"),
    (["Baxter"], "Spectrum IQ", "Infusion Pump", "therapeutic", "clinical_vlan", 8,
     ["9.0.1"], ["NICU"], "INF"),
    (["Smiths Medical", "Smiths Medical ASD"], "Medfusion 4000", "Syringe Pump", "therapeutic", "clinical_vlan", 12,
     ["1.1.2", "1.5.0", "1.6.1", "1.7.0"], ["NICU", "PICU", "OR 2"], "SYR"),
    (["ICU Medical", "Hospira"], "Plum 360", "Infusion Pump", "therapeutic", "clinical_vlan", 12,
     ["15.10", "15.11", "15.20"], ["Med-Surg 5A", "ED"], "INF"),
    (["B. Braun", "B.Braun Melsungen AG"], "Infusomat Space", "Infusion Pump", "therapeutic", "clinical_vlan", 10,
     ["686D", "686E", "688G"], ["CCU", "Dialysis"], "INF"),
    (["B. Braun"], "Perfusor Space", "Syringe Pump", "therapeutic", "clinical_vlan", 10,
     ["686E", "688G"], ["CCU", "ICU"], "SYR"),
    (["B. Braun"], "SpaceCom", "Infusion Gateway", "therapeutic", "clinical_vlan", 4,
     ["L81/U61", "L82/U62"], ["CCU", "ICU"], "INF"),
    (["Fresenius Kabi"], "Agilia Connect Volumat", "Infusion Pump", "therapeutic", "clinical_vlan", 8,
     ["3.3", "3.4"], ["Oncology 4B"], "INF"),
    # Patient monitors, central stations, telemetry
    (["GE Healthcare", "GE Medical Systems", "GE HEALTHCARE"], "CARESCAPE B450", "Patient Monitor", "monitoring", "clinical_vlan", 14,
     ["2.0.1", "2.1.3", "3.0.2"], ["Med-Surg 3A", "Med-Surg 3B", "PACU"], "MON"),
    (["GE Healthcare", "GE Medical Systems"], "CARESCAPE Monitor B650", "Patient Monitor", "monitoring", "clinical_vlan", 14,
     ["1.0.6", "2.0.4", "3.1.0"], ["ICU", "CCU", "ED"], "MON"),
    (["GE Healthcare"], "CARESCAPE B850", "Patient Monitor", "monitoring", "clinical_vlan", 8,
     ["1.0.5", "2.0.5"], ["ICU", "OR 1", "OR 3"], "MON"),
    (["GE Medical Systems", "GE Healthcare"], "Dash 4000", "Patient Monitor", "monitoring", "clinical_vlan", 8,
     ["7", "7.1", "8.0"], ["Cath Lab", "Endoscopy"], "MON"),
    (["GE Healthcare"], "ApexPro Telemetry Server", "Telemetry Server", "monitoring", "clinical_vlan", 2,
     ["4.2", "4.3"], ["Data Center"], "SRV"),
    (["GE Healthcare"], "CARESCAPE Central Station", "Central Station", "monitoring", "clinical_vlan", 3,
     ["1.0.3", "2.0.1"], ["ICU", "CCU", "Telemetry 6"], "CS"),
    (["GE Healthcare"], "Clinical Information Center (CIC Pro)", "Central Station", "monitoring", "clinical_vlan", 2,
     ["5.0.2", "6.0.1"], ["Telemetry 6"], "CS"),
    (["Philips", "Philips Medical Systems", "Philips Healthcare"], "IntelliVue MX450", "Patient Monitor", "monitoring", "clinical_vlan", 10,
     ["M.00.03", "N.00.02", "P.01.01"], ["OR 4", "OR 5", "OR 6", "PACU"], "MON"),
    (["Philips"], "IntelliVue MX800", "Patient Monitor", "monitoring", "clinical_vlan", 8,
     ["M.00.03", "N.00.02"], ["NICU", "PICU"], "MON"),
    (["Philips"], "IntelliVue MX40", "Wearable Patient Monitor", "monitoring", "clinical_vlan", 10,
     ["B.06.18", "B.06.51"], ["Telemetry 6"], "MON"),
    (["Philips"], "IntelliVue Information Center iX", "Central Station", "monitoring", "clinical_vlan", 2,
     ["B.01", "B.02", "C.02"], ["NICU", "PICU"], "CS"),
    (["Philips"], "SureSigns VS4", "Vital Signs Monitor", "monitoring", "hospital_lan", 8,
     ["A.05.01", "A.05.03"], ["Med-Surg 5A", "Outpatient Clinic"], "VSM"),
    (["Welch Allyn", "Hillrom", "Baxter (Welch Allyn)"], "Connex Spot Monitor", "Vital Signs Monitor", "monitoring", "hospital_lan", 10,
     ["1.52", "1.53", "1.54"], ["Med-Surg 3A", "Outpatient Clinic", "ED"], "VSM"),
    (["Mindray", "Mindray DS USA"], "BeneVision N12", "Patient Monitor", "monitoring", "clinical_vlan", 6,
     ["01.60", "02.10"], ["Step-Down 7"], "MON"),
    (["Drager", "Draeger", "Dräger Medical"], "Infinity Delta", "Patient Monitor", "monitoring", "clinical_vlan", 6,
     ["VF9.0", "VF10.1"], ["OR 7", "OR 8"], "MON"),
    (["Spacelabs Healthcare"], "Xhibit Telemetry Receiver", "Telemetry Receiver", "monitoring", "clinical_vlan", 2,
     ["1.2.1"], ["Step-Down 7"], "TEL"),
    # Ventilators, anaesthesia, renal, defibrillators
    (["Draeger", "Drager"], "Evita V500", "Ventilator", "life_sustaining", "clinical_vlan", 10,
     ["2.51", "2.52"], ["ICU", "PICU"], "VEN"),
    (["Hamilton Medical"], "HAMILTON-T1", "Ventilator", "life_sustaining", "clinical_vlan", 4,
     ["2.2.3", "3.0.0"], ["ED", "Transport"], "VEN"),
    (["Medtronic", "Covidien"], "Puritan Bennett 980", "Ventilator", "life_sustaining", "clinical_vlan", 8,
     ["1.2.0", "1.3.1"], ["ICU", "CCU"], "VEN"),
    (["GE Healthcare", "Datex-Ohmeda"], "Aespire 7900", "Anesthesia Machine", "life_sustaining", "clinical_vlan", 6,
     ["4.1", "4.2"], ["OR 1", "OR 2", "OR 3", "OR 4", "OR 5", "OR 6"], "ANE"),
    (["GE Healthcare"], "Aisys CS2", "Anesthesia Machine", "life_sustaining", "clinical_vlan", 2,
     ["11.0"], ["OR 7", "OR 8"], "ANE"),
    (["Baxter", "Gambro"], "PrisMax", "CRRT System", "life_sustaining", "clinical_vlan", 3,
     ["1.1", "2.0"], ["ICU"], "REN"),
    (["ZOLL Medical", "Zoll"], "R Series", "Defibrillator", "life_sustaining", "clinical_vlan", 6,
     ["3.32", "3.40"], ["ED", "ICU", "Cath Lab"], "DEF"),
    # Imaging and cardiology
    (["Philips Healthcare"], "Brilliance 64", "CT Scanner", "diagnostic", "hospital_lan", 1,
     ["4.1.6"], ["Radiology"], "IMG"),
    (["Siemens Healthineers", "Siemens Healthcare"], "SOMATOM go.Up", "CT Scanner", "diagnostic", "hospital_lan", 1,
     ["VA30"], ["Radiology"], "IMG"),
    (["GE Healthcare"], "Vivid E95", "Ultrasound", "diagnostic", "hospital_lan", 3,
     ["v203", "v204"], ["Cardiology", "Radiology"], "US"),
    (["Philips"], "Ingenia 1.5T", "MRI Scanner", "diagnostic", "hospital_lan", 1,
     ["5.7.1"], ["Radiology"], "IMG"),
    (["Fujifilm", "FUJIFILM Medical Systems"], "FCR Capsula X", "CR Reader", "diagnostic", "hospital_lan", 2,
     ["V2.1"], ["Radiology", "ED"], "IMG"),
    (["Philips"], "PageWriter TC50", "Cardiograph", "diagnostic", "hospital_lan", 5,
     ["A.07.01", "A.07.02"], ["Cardiology", "ED", "Outpatient Clinic"], "ECG"),
    # Laboratory and point of care
    (["Roche Diagnostics", "Roche"], "Accu-Chek Inform II", "POC Glucose Meter", "diagnostic", "hospital_lan", 10,
     ["03.01.02", "03.06.00"], ["Med-Surg 3A", "Med-Surg 3B", "Med-Surg 5A", "ED"], "POC"),
    (["BD Biosciences", "BD"], "FACSLyric", "Flow Cytometer", "diagnostic", "hospital_lan", 1,
     ["1.0"], ["Laboratory"], "LAB"),
    (["Beckman Coulter"], "UniCel DxH 800", "Hematology Analyzer", "diagnostic", "hospital_lan", 2,
     ["3.0.2"], ["Laboratory"], "LAB"),
    # Medication dispensing, implant programmers, connectivity
    (["CareFusion", "BD"], "Pyxis MedStation ES", "Medication Dispensing Cabinet", "informational", "hospital_lan", 10,
     ["1.6.1", "1.7"], ["ICU", "ED", "Med-Surg 3A", "Med-Surg 5A", "Pharmacy"], "RX"),
    (["Medtronic"], "CareLink 2090 Programmer", "Implant Programmer", "life_sustaining", "isolated", 2,
     ["28.1"], ["Cardiology", "Cath Lab"], "PRG"),
    (["Boston Scientific"], "ZOOM LATITUDE PRM 3120", "Implant Programmer", "life_sustaining", "isolated", 1,
     ["3.03"], ["Cardiology"], "PRG"),
    (["St. Jude Medical", "Abbott"], "Merlin PCS 3650", "Implant Programmer", "life_sustaining", "", 1,
     ["24.2"], ["Cardiology"], "PRG"),
    (["Capsule Technologies", "Philips Capsule"], "SmartLinx Neuron 2", "Device Connectivity Hub", "informational", "clinical_vlan", 8,
     ["9.0", "10.0"], ["ICU", "CCU", "Step-Down 7"], "GW"),
]

HEADER = ["Equipment ID", "Manufacturer Name", "Model Number", "Software Version", "Serial Number",
          "Facility", "Location", "IP Address", "MAC Address", "Device Type", "Clinical Function",
          "Network Zone", "Risk Class", "Service Status", "Last PM", "Cost Center"]
FACILITY = "St. Aurelia Medical Center"
SUBNETS = {"clinical_vlan": "10.40", "hospital_lan": "10.10", "internet_exposed": "198.51.100"}
used_ips = set()
used_tags = set()


def ip_for(zone):
    if zone in ("", "isolated"):
        return ""
    while True:
        if zone == "internet_exposed":
            ip = f"198.51.100.{rng.randint(2, 254)}"
        else:
            ip = f"{SUBNETS[zone]}.{rng.randint(1, 60)}.{rng.randint(2, 254)}"
        if ip not in used_ips:
            used_ips.add(ip)
            return ip


def mac():
    # Locally administered unicast (x2:...): invented, never a real vendor's OUI.
    octets = [0x02, rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)]
    return ":".join(f"{o:02X}" for o in octets)


rows = []
for spellings, model, dtype, function, zone, count, versions, depts, prefix in LINES:
    for _ in range(count):
        while True:
            tag = f"SAM-{prefix}-{rng.randint(1000, 9999)}"
            if tag not in used_tags:
                used_tags.add(tag)
                break
        # A few devices are kept off the network (in storage, or wireless disabled).
        networked = zone not in ("", "isolated") and rng.random() > 0.06
        this_zone = zone if networked or zone in ("", "isolated") else "isolated"
        rows.append([
            tag,
            rng.choice(spellings),
            model,
            rng.choice(versions),
            f"{prefix[:2]}{rng.randint(100000, 999999)}",
            FACILITY,
            rng.choice(depts),
            ip_for(this_zone) if networked else "",
            mac() if networked or rng.random() > 0.5 else "",
            dtype,
            function,
            this_zone,
            {"life_sustaining": "High", "therapeutic": "High", "monitoring": "Medium"}.get(function, "Low"),
            rng.choice(["In Service"] * 9 + ["Out for Repair"]),
            f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
            rng.choice(["4410", "4420", "5100", "6200"]),
        ])

# One remote-support gateway a vendor left reachable from the internet.
rows.append(["SAM-GW-0001", "Philips", "IntelliSpace Remote Service Gateway", "2.1", "GW771201", FACILITY,
             "Data Center", "198.51.100.24", mac(), "Remote Service Gateway", "informational",
             "internet_exposed", "Low", "In Service", "2026-03-14", "6200"])

rng.shuffle(rows)
w = csv.writer(sys.stdout, lineterminator="\r\n")
w.writerow(HEADER)
w.writerows(rows)
print(f"{len(rows)} devices over {len(LINES) + 1} product lines", file=sys.stderr)
