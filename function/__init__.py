"""The example image service that ``template.yaml`` deploys (``CodeUri: function/``): :mod:`function.app`."""
