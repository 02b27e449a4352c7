//! Where frames go: the person's terminal, or a test buffer in the in-process tests.
//! Besides ratatui's cells a frame carries bytes cells cannot say (the synchronized-update
//! markers, hyperlinks, the cursor's shape, bells); a host either sends them on or, for
//! a test buffer, has no use for them.

use std::io::{self, Write as _};

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::layout::Size;

use crate::host::terminal::HostWriter;

pub trait Host: Backend {
    /// Bytes outside the cells, in the frame's order.
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// The frame is complete: hand it over in one piece.
    fn commit(&mut self) -> io::Result<()>;
    /// The size the host has now, asked each frame, so cheaply.
    fn size_now(&mut self) -> io::Result<Size>;
}

impl Host for CrosstermBackend<HostWriter> {
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer_mut().write_all(bytes)
    }

    fn commit(&mut self) -> io::Result<()> {
        self.writer_mut().commit()
    }

    fn size_now(&mut self) -> io::Result<Size> {
        // Frames go to standard output, the person's terminal.
        match self.writer_mut().size.now() {
            Some((width, height)) => Ok(Size { width, height }),
            None => self.size(),
        }
    }
}
