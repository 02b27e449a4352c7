//! The harness's host terminal: a ratatui `TestBackend` holding the picture the tests
//! read, which also counts the frames sent to it, so a test can tell a frame that went
//! out from one that had nothing to say.

use std::io;

use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use crate::host::backend::Host;

pub struct TestHost {
    pub screen: TestBackend,
    /// Frames that sent anything (cells, the cursor, bytes of their own).
    pub frames_sent: usize,
    /// Something was sent since the last commit.
    sending: bool,
}

impl TestHost {
    pub fn new(cols: u16, rows: u16) -> TestHost {
        TestHost {
            screen: TestBackend::new(cols, rows),
            frames_sent: 0,
            sending: false,
        }
    }

    /// Runs `send` on the picture, noting that the frame sends something.
    fn send<T>(&mut self, send: impl FnOnce(&mut TestBackend) -> T) -> T {
        self.sending = true;
        send(&mut self.screen)
    }
}

impl Host for TestHost {
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sending |= !bytes.is_empty();
        Ok(())
    }

    fn commit(&mut self) -> io::Result<()> {
        if std::mem::take(&mut self.sending) {
            self.frames_sent += 1;
        }
        Ok(())
    }

    fn size_now(&mut self) -> io::Result<Size> {
        self.size()
    }
}

/// Everything but the size is sent; see [`TestHost::send`].
impl Backend for TestHost {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut content = content.peekable();
        if content.peek().is_none() {
            return Ok(());
        }
        self.send(|screen| screen.draw(content)).map_err(never)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.send(TestBackend::hide_cursor).map_err(never)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.send(TestBackend::show_cursor).map_err(never)
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.screen.get_cursor_position().map_err(never)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.send(|screen| screen.set_cursor_position(position))
            .map_err(never)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.send(TestBackend::clear).map_err(never)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.send(|screen| screen.clear_region(clear_type))
            .map_err(never)
    }

    fn size(&self) -> io::Result<Size> {
        self.screen.size().map_err(never)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.screen.window_size().map_err(never)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.screen.flush().map_err(never)
    }
}

/// `TestBackend` never fails.
fn never(never: core::convert::Infallible) -> io::Error {
    match never {}
}
