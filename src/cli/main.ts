// Node entry of `losslab`: headless commands over the engine and the log parsers.
console.log('losslab: no commands yet');
