//! The IHE PCD application error codes for [PCD-03] (IHE PCD TF Vol. 2, Rev. 8.0,
//! appendix B.3, "Use of Error Segment in the PIV Profile"), carried in ERR-5.

/// An IHE PCD infusion error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PcdError {
    /// 9001 Unknown infuser or channel.
    UnknownInfuser,
    /// 9003 Missing required program parameter(s).
    MissingParameter,
    /// 9004 Invalid program parameter(s).
    InvalidParameter,
    /// 9005 Parameter outside of allowable range.
    OutOfRange,
    /// 9007 Infuser is offline or unable to connect to infuser.
    Offline,
    /// 9008 Invalid units for parameter.
    InvalidUnits,
    /// 9009 Dose/Rate units do not match drug library.
    UnitsMismatch,
    /// 9010 Unable to match medication to drug library.
    UnknownMedication,
    /// 9014 Dose rate or VTBI exceeds maximum.
    ExceedsMaximum,
    /// 9015 Request timed out.
    TimedOut,
    /// 9016 Other error.
    Other,
    /// 9018 Parameter does not match drug library.
    LibraryMismatch,
    /// 9019 Patient weight missing.
    WeightMissing,
    /// 9021 Care area or profile mismatch.
    CareAreaMismatch,
    /// 9022 Requested infusion program is stale.
    Stale,
    /// 9024 Drug library hard limit exceeded.
    HardLimit,
    /// 9027 Patient BSA missing.
    BsaMissing,
    /// 9029 Care area or profile not selected.
    CareAreaMissing,
    /// 9031 Patient ID missing or invalid.
    PatientIdMissing,
}

impl PcdError {
    /// The numeric code.
    pub fn code(self) -> u16 {
        use PcdError::*;
        match self {
            UnknownInfuser => 9001,
            MissingParameter => 9003,
            InvalidParameter => 9004,
            OutOfRange => 9005,
            Offline => 9007,
            InvalidUnits => 9008,
            UnitsMismatch => 9009,
            UnknownMedication => 9010,
            ExceedsMaximum => 9014,
            TimedOut => 9015,
            Other => 9016,
            LibraryMismatch => 9018,
            WeightMissing => 9019,
            CareAreaMismatch => 9021,
            Stale => 9022,
            HardLimit => 9024,
            BsaMissing => 9027,
            CareAreaMissing => 9029,
            PatientIdMissing => 9031,
        }
    }

    /// The table's text for the code.
    pub fn text(self) -> &'static str {
        use PcdError::*;
        match self {
            UnknownInfuser => "Unknown infuser or channel",
            MissingParameter => "Missing required program parameter(s)",
            InvalidParameter => "Invalid program parameter(s)",
            OutOfRange => "Parameter outside of allowable range",
            Offline => "Infuser is offline or unable to connect to infuser",
            InvalidUnits => "Invalid units for parameter",
            UnitsMismatch => "Dose/Rate Units do not match drug library",
            UnknownMedication => "Unable to match medication to drug library",
            ExceedsMaximum => "Dose rate or VTBI exceeds maximum",
            TimedOut => "Request timed out",
            Other => "Other error",
            LibraryMismatch => "Parameter does not match drug library",
            WeightMissing => "Patient weight missing",
            CareAreaMismatch => "Care area or profile mismatch",
            Stale => "Requested infusion program is stale",
            HardLimit => "Drug library hard limit exceeded",
            BsaMissing => "Patient BSA missing",
            CareAreaMissing => "Care area or profile not selected",
            PatientIdMissing => "Patient ID missing or invalid",
        }
    }
}
