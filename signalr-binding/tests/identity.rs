//! Identity-based connections against local stand-ins.
