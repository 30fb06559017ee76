"""Cases: the footer's pages (accessibility statement, privacy notice, cookies, help),
written by an administrator."""
