//! Figures for the dashboard: counts and trends per unit subtree, always scoped to the actor.
