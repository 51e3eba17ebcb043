"""What a learner sees of a quiz, made from the core: page data for the browser, the key-less file, the text
view and safe Markdown. No widgets here (those are in ``kcourse.frontend``)."""
