//! The rules index over the user's compendia.
