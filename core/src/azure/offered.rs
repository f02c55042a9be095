//! Values Azure offers (stamps, gateway SKUs, VM sizes, delegations, circuit bandwidths,
//! service tags, limits), each list as data with its source.
