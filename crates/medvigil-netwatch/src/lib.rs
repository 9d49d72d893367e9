//! medvigil-netwatch: passive discovery of medical devices and risky traffic from captures.
#![deny(missing_docs)]

pub mod capture;
pub mod packet;
pub mod time;
pub mod defrag;
pub mod stream;
pub mod dissect;
