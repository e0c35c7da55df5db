"""One module per page; each has `render(ctx)`, draws widgets and calls qualkit.review for every change."""
