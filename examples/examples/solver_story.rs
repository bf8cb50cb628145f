//! The exact solver on a small two-lists story, with its optimality certificate.
//!
//! Five needs (rows) and three offers of help (columns). Each offer can take a number of
//! needs (its capacity); each need is linked to the offers that may serve it, with a score.
//! Two needs belong to one household, which may be helped at most once this round, and
//! the emergency need is tier 1: it is matched first, whatever the scores.

use aidmatch_assign::{ProblemBuilder, sparse, verify};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let needs = [
        "N1 emergency",
        "N2",
        "N3",
        "N4 (household A)",
        "N5 (household A)",
    ];
    let offers = [
        "R1 red cross, 1 place",
        "R2 volunteers, 2 places",
        "R3 cadre, 1 place",
    ];
    let mut b = ProblemBuilder::new(needs.len(), offers.len());
    for &(need, offer, score) in &[
        (0, 0, 10),
        (1, 0, 90),
        (1, 1, 40),
        (2, 1, 70),
        (3, 1, 60),
        (3, 2, 50),
        (4, 2, 80),
    ] {
        b.arc(need, offer, score);
    }
    b.col_capacity(vec![1, 2, 1])
        .row_tier(vec![1, 2, 2, 2, 2])
        .groups(vec![0, 1, 2, 3, 3], vec![1, 1, 1, 1]);
    let problem = b.build()?;

    let matching = sparse::solve(&problem, &sparse::Options::default())?;
    println!("{:<20} {:<26} units", "need", "offer");
    for (row, col, units) in matching.pairs(&problem) {
        println!("{:<20} {:<26} {units}", needs[row], offers[col]);
    }
    println!(
        "total score {}; matched by tier {:?}",
        matching.weight(&problem),
        matching.quantity_by_tier(&problem)
    );
    match verify::verify(&problem, &matching) {
        Ok(()) => println!("optimality certificate: verified"),
        Err(v) => {
            println!("optimality certificate: FAILED ({v})");
            std::process::exit(1);
        }
    }
    Ok(())
}
