"""Building and sending email (smtplib), and keeping the SMTP password in the OS keyring."""
