//! ripgrep's `tests/multiline.rs`: `-U`, matches that span lines.

use super::{Dir, SHERLOCK};

// Matches that span lines, several of them beginning and ending on one line.
#[test]
fn overlap1() {
    let dir = Dir::new().with("test", "xxx\nabc\ndefxxxabc\ndefxxx\nxxx");
    dir.expect(&["-U", "abc\ndef", "test"], "test:2:abc\ntest:3:defxxxabc\ntest:4:defxxx\n", 0);
}

// One match ends exactly where the next begins.
#[test]
fn overlap2() {
    let dir = Dir::new().with("test", "xxx\nabc\ndefabc\ndefxxx\nxxx");
    dir.expect(&["-U", "abc\ndef", "test"], "test:2:abc\ntest:3:defabc\ntest:4:defxxx\n", 0);
}

// Even with -U, `.` does not match a line end.
#[test]
fn dot_no_newline() {
    Dir::sherlock().expect(&["-U", "of this world.+detective work", "sherlock"], "", 1);
}

#[test]
fn dot_all() {
    let expected = "\
sherlock:1:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:2:Holmeses, success in the province of detective work must always
";
    Dir::sherlock().expect(
        &["-U", "--multiline-dotall", "of this world.+detective work", "sherlock"],
        expected,
        0,
    );
}

// ripgrep's --only-matching is ba's -m; a match that spans lines shows each of its lines.
#[test]
fn only_matching() {
    let expected = "\
sherlock:1:Watson
sherlock:1:Sherlock
sherlock:2:Holmes
sherlock:3:Sherlock Holmes
sherlock:5:Watson
";
    Dir::sherlock().expect(&["-U", "-m", r"Watson|Sherlock\p{Any}+?Holmes", "sherlock"], expected, 0);
}

// Only the first line of a match that spans lines is printed, once per match.
#[test]
fn vimgrep() {
    let expected = "\
sherlock:1:16:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:1:57:For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:3:49:be, to a very large extent, the result of luck. Sherlock Holmes
sherlock:5:12:but Doctor Watson has to have it taken out for him and dusted,
";
    Dir::sherlock().expect(&["-U", "--vimgrep", r"Watson|Sherlock\p{Any}+?Holmes", "sherlock"], expected, 0);
}

// Standard input read whole for -U; its hits are its bare lines in ba's pipe format.
#[test]
fn stdin() {
    let expected = "\
For the Doctor Watsons of this world, as opposed to the Sherlock
Holmeses, success in the province of detective work must always
";
    Dir::new().expect_stdin(&["-U", r"of this world\p{Any}+?detective work"], SHERLOCK, expected, 0);
}

#[test]
fn context() {
    let expected = "\
sherlock-1-For the Doctor Watsons of this world, as opposed to the Sherlock
sherlock:2:Holmeses, success in the province of detective work must always
sherlock:3:be, to a very large extent, the result of luck. Sherlock Holmes
sherlock-4-can extract a clew from a wisp of straw or a flake of cigar ash;
";
    Dir::sherlock().expect(&["-U", "-C1", r"detective work\p{Any}+?result of luck", "sherlock"], expected, 0);
}
