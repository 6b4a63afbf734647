//! [`JwtAlgorithm`] (the shared table of `signalr_binding_expression`) as `jsonwebtoken`'s
//! [`Algorithm`], which stays out of the public API.

use jsonwebtoken::Algorithm;

use super::JwtAlgorithm;

/// `jsonwebtoken`'s name for `alg`; `None` for an algorithm the table has and this mapping
/// does not (the table is `#[non_exhaustive]`), which is then refused like an unknown one.
pub(super) fn to_jwt(alg: JwtAlgorithm) -> Option<Algorithm> {
    Some(match alg {
        JwtAlgorithm::HS256 => Algorithm::HS256,
        JwtAlgorithm::HS384 => Algorithm::HS384,
        JwtAlgorithm::HS512 => Algorithm::HS512,
        JwtAlgorithm::RS256 => Algorithm::RS256,
        JwtAlgorithm::RS384 => Algorithm::RS384,
        JwtAlgorithm::RS512 => Algorithm::RS512,
        JwtAlgorithm::PS256 => Algorithm::PS256,
        JwtAlgorithm::PS384 => Algorithm::PS384,
        JwtAlgorithm::PS512 => Algorithm::PS512,
        JwtAlgorithm::ES256 => Algorithm::ES256,
        JwtAlgorithm::ES384 => Algorithm::ES384,
        _ => return None,
    })
}

/// The table's name of `alg`, or `unrecognized` when the table does not have it.
pub(super) fn name(alg: Algorithm) -> &'static str {
    JwtAlgorithm::ALL
        .into_iter()
        .find(|a| to_jwt(*a) == Some(alg))
        .map_or("unrecognized", JwtAlgorithm::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_of_the_table_maps_to_its_namesake() {
        for alg in JwtAlgorithm::ALL {
            let jwt = to_jwt(alg).unwrap();
            assert_eq!(format!("{jwt:?}"), alg.as_str());
            assert_eq!(name(jwt), alg.as_str());
        }
        assert_eq!(name(Algorithm::EdDSA), "unrecognized");
    }
}
