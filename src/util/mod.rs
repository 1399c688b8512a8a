pub(crate) mod jail;
