//! The control channel: agents inside panes pass the baton by running
//! `rallish-tui pass --note ...`, which talks to the running app over a private Unix
//! socket. The wire format is documented in [`protocol`].
//!
//! - [`server`]: socket directory, bind, and the accept loop that forwards parsed requests
//!   to the app as [`ControlRequest`]s.
//! - [`socket_dir`]: which directory the sockets go in, within `sun_path`'s limit.
//! - [`client`]: the blocking CLI side (`pass`, `status`, `scratch`, `read_note`).
//! - [`token`]: per-pane secrets and the check the app runs on each request.
//! - [`spool`]: where a pass waits when an agent's sandbox forbids the socket.
//! - [`hook`]: `rallish-tui hook`, run by agent CLIs' own hooks.

pub mod client;
pub mod hook;
pub mod protocol;
pub mod server;
pub mod socket_dir;
pub mod spool;
pub mod token;

pub use protocol::{ErrorCode, Op, PaneInfo, Request, Response, StatusInfo};
pub use server::{ControlRequest, bind, serve};
pub use socket_dir::runtime_dir;
pub use token::{authenticate, new_token, tokens_equal};
