//! Walks over boolean grids (the scene's cells, a crop's pixels): neighbourhoods, flood fills and
//! connected regions, eight neighbours each.

/// Cell `i` of a `width` x `height` grid and its neighbours within the grid, in rows.
fn neighbourhood(i: usize, width: usize, height: usize) -> impl Iterator<Item = usize> {
    let (x, y) = (i % width, i / width);
    (y.saturating_sub(1)..(y + 2).min(height))
        .flat_map(move |ny| (x.saturating_sub(1)..(x + 2).min(width)).map(move |nx| ny * width + nx))
}

/// The cells of a `width` x `height` grid with a `set` cell among their eight neighbours or
/// themselves.
pub(crate) fn within_one_cell(set: &[bool], width: usize, height: usize) -> Vec<bool> {
    let mut near = vec![false; set.len()];
    for (i, _) in set.iter().enumerate().filter(|&(_, &on)| on) {
        for j in neighbourhood(i, width, height) {
            near[j] = true;
        }
    }
    near
}

/// The `passable` cells joined to a `start` cell (each passable itself) through passable cells,
/// eight neighbours each.
pub(crate) fn reached_from(start: &[bool], passable: &[bool], width: usize, height: usize) -> Vec<bool> {
    let neighbours = |i: usize| neighbourhood(i, width, height);
    // The start is reached already; the walk begins at the passable cells beside it.
    let mut reached = start.to_vec();
    let mut queue: Vec<usize> =
        (0..start.len()).filter(|&i| passable[i] && !start[i] && neighbours(i).any(|j| start[j])).collect();
    for &i in &queue {
        reached[i] = true;
    }
    while let Some(i) = queue.pop() {
        for j in neighbours(i) {
            if passable[j] && !reached[j] {
                reached[j] = true;
                queue.push(j);
            }
        }
    }
    reached
}

/// Each `set` cell's region (eight-connected), numbered from 1 in the order of each region's first
/// cell in rows from the top; 0 for cells not set.
pub(crate) fn regions(set: &[bool], width: usize, height: usize) -> Vec<u32> {
    let mut labels = vec![0u32; set.len()];
    let mut next = 0u32;
    let mut queue = Vec::new();
    for first in 0..set.len() {
        if !set[first] || labels[first] != 0 {
            continue;
        }
        next += 1;
        labels[first] = next;
        queue.push(first);
        while let Some(i) = queue.pop() {
            for j in neighbourhood(i, width, height) {
                if set[j] && labels[j] == 0 {
                    labels[j] = next;
                    queue.push(j);
                }
            }
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 6x4 grid from rows of '#' (set) and '.' cells.
    fn grid(rows: [&str; 4]) -> Vec<bool> {
        rows.iter().flat_map(|row| row.chars().map(|c| c == '#')).collect()
    }

    #[test]
    fn a_cell_is_near_its_eight_neighbours_and_the_border_clips() {
        let near = within_one_cell(&grid(["#.....", "......", "....#.", "......"]), 6, 4);
        assert_eq!(near, grid(["##....", "##.###", "...###", "...###"]));
    }

    #[test]
    fn cells_are_reached_through_diagonals_but_not_across_a_gap() {
        let start = grid(["#.....", "......", "......", "......"]);
        let passable = grid(["#...#.", ".#..#.", "..#...", "#....."]);
        assert_eq!(reached_from(&start, &passable, 6, 4), grid(["#.....", ".#....", "..#...", "......"]));
    }

    #[test]
    fn regions_are_numbered_as_imageproc_numbers_them() {
        use image::{GrayImage, Luma};
        use imageproc::region_labelling::{Connectivity, connected_components};
        let (width, height) = (37, 23);
        let mut state = 0x2545F4914F6CDD1Du64;
        for density in [20u64, 45, 60] {
            let set: Vec<bool> = (0..width * height)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state % 100 < density
                })
                .collect();
            let image = GrayImage::from_fn(width as u32, height as u32, |x, y| {
                Luma([u8::from(set[y as usize * width + x as usize])])
            });
            let theirs = connected_components(&image, Connectivity::Eight, Luma([0u8])).into_raw();
            assert_eq!(regions(&set, width, height), theirs, "{density} %");
        }
    }
}
